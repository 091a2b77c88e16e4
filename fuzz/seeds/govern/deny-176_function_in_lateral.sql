SELECT c.id FROM customers c, LATERAL (SELECT pg_sleep(1)) s
