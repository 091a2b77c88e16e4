SELECT name FROM customers ORDER BY pg_sleep(0.1)
