SELECT CASE WHEN count(*) > 100 THEN pg_sleep(5) END FROM orders
