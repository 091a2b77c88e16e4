-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: Row-value comparison and a two-column IN over a subquery.
SELECT o.id, o.status
FROM orders o
WHERE (o.customer_id, o.ordered_at) IN (SELECT customer_id, max(ordered_at) FROM orders GROUP BY customer_id)
  AND (o.status, o.id) > ('delivered', 0)
ORDER BY o.id
LIMIT 25
