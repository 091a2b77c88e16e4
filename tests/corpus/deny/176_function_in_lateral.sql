-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Denied function inside a LATERAL subquery.
SELECT c.id FROM customers c, LATERAL (SELECT pg_sleep(1)) s
