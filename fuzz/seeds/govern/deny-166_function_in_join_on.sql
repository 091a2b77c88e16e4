SELECT c.name FROM customers c JOIN orders o ON o.customer_id = c.id AND pg_sleep(0.01) IS NOT NULL
