-- dialect: postgres
-- expect: deny statement_kind
-- why: SET disables the server-enforced statement timeout for the session.
SET statement_timeout = 0
