-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: a LEFT join on the customers' key keeps every order once, so the ORDER BY and LIMIT go inside the orders fence (PostgreSQL reads the latest orders by index and stops); the answer is the filtered copy's, customers of other regions joining as NULL.
SELECT o.id, o.ordered_at, c.name AS customer, upper(o.status) AS status
FROM orders o
LEFT JOIN customers c ON c.id = o.customer_id
ORDER BY o.ordered_at DESC, o.id
LIMIT 8
