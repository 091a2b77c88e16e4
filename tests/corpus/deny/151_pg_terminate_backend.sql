-- dialect: postgres
-- expect: deny function_not_allowed
-- why: pg_terminate_backend kills other sessions.
SELECT pg_terminate_backend(12345)
