-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Denied function inside an aggregate FILTER (WHERE ...).
SELECT count(*) FILTER (WHERE pg_sleep(0.01) IS NOT NULL) FROM orders
