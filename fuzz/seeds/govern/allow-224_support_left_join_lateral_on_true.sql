-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: LEFT JOIN LATERAL ... ON true for each customer's last order; NULLS LAST ordering.
SELECT c.id, c.name, last.ordered_at, last.status
FROM customers c
LEFT JOIN LATERAL (SELECT o.ordered_at, o.status FROM orders o WHERE o.customer_id = c.id ORDER BY o.ordered_at DESC LIMIT 1) last ON true
ORDER BY last.ordered_at DESC NULLS LAST, c.id
LIMIT 20
