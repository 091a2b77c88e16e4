-- role: analyst
-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: an inner join on the customers' key keeps the orders fence's rows one for one once the fence keeps only orders whose customer the role sees, so the ORDER BY and LIMIT go inside it (PostgreSQL); the answer is the filtered copy's.
SELECT o.id, o.ordered_at, o.status, c.name AS customer
FROM orders o
JOIN customers c ON c.id = o.customer_id
ORDER BY o.ordered_at DESC, o.id
LIMIT 12
