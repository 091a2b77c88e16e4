-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: the latest orders written from the customers: the orders are the table the ORDER BY reads, the customers are joined on their key, so the ORDER BY and LIMIT go inside the orders fence (PostgreSQL); the answer is the filtered copy's.
SELECT c.name, c.city, o.id, o.ordered_at
FROM customers c
JOIN orders o ON o.customer_id = c.id
ORDER BY o.ordered_at DESC, o.id
LIMIT 8
