-- dialect: postgres
-- expect: deny function_not_allowed
-- why: version() fingerprints the server.
SELECT version()
