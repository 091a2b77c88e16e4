-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Advisory locks outlive the query and can block other sessions.
SELECT pg_advisory_lock(42)
