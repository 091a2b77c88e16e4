EXPLAIN ANALYZE VERBOSE SELECT c.name, count(*) FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.name
