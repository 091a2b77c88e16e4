-- dialect: postgres
-- expect: deny function_not_allowed
-- why: pg_sleep ties up a connection (denial of service).
SELECT pg_sleep(10)
