-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Upper-case function name folds to pg_sleep.
SELECT PG_SLEEP(10)
