-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Pending and shipped orders with the customer's contact details for follow-up calls.
SELECT o.id, o.status, c.name, c.email, c.phone
FROM orders o
JOIN customers c ON c.id = o.customer_id
WHERE o.status IN ('pending', 'shipped')
ORDER BY o.id
