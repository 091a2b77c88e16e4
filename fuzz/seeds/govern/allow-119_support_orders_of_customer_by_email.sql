-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Support looks up a customer's orders by e-mail, which support may see.
SELECT o.id, o.ordered_at, o.status
FROM orders o
JOIN customers c ON c.id = o.customer_id
WHERE c.email = 'john.lopez7@example.com'
ORDER BY o.ordered_at
