-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Denied function in ORDER BY.
SELECT name FROM customers ORDER BY pg_sleep(0.1)
