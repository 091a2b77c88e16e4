-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: DISTINCT ON picks each customer's latest order, a common PostgreSQL idiom.
SELECT DISTINCT ON (o.customer_id) o.customer_id, o.id, o.ordered_at, o.status
FROM orders o
ORDER BY o.customer_id, o.ordered_at DESC, o.id DESC
LIMIT 50
