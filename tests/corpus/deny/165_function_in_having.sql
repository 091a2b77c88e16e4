-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Denied function in HAVING.
SELECT region, count(*) FROM orders GROUP BY region HAVING current_setting('is_superuser') = 'on'
