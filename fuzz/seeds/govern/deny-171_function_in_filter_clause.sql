SELECT count(*) FILTER (WHERE pg_sleep(0.01) IS NOT NULL) FROM orders
