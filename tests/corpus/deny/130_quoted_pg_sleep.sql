-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Quoted function name "pg_sleep".
SELECT "pg_sleep"(10)
