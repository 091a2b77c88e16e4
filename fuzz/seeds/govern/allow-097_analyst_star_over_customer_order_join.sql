-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: An unqualified * over a customer/order join sees only the visible columns of both tables and own-region rows.
SELECT *
FROM customers c
JOIN orders o ON o.customer_id = c.id
WHERE o.ordered_at >= '2025-12-01'
