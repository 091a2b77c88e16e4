SELECT * FROM customers WHERE id = (SELECT 1 FROM (SELECT pg_sleep(5)) s)
