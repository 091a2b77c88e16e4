-- dialect: postgres
-- expect: deny function_not_allowed
-- why: pg_sleep hidden in a subquery in WHERE.
SELECT * FROM customers WHERE id = (SELECT 1 FROM (SELECT pg_sleep(5)) s)
