-- dialect: postgres
-- expect: deny function_not_allowed
-- why: pg_sleep hidden in a CASE branch (time-based oracle).
SELECT CASE WHEN count(*) > 100 THEN pg_sleep(5) END FROM orders
