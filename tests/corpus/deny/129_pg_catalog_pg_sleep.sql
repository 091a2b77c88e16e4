-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Schema-qualified pg_catalog.pg_sleep.
SELECT pg_catalog.pg_sleep(10)
