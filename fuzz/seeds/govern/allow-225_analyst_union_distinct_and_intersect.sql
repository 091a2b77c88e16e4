-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Customers who ordered in both years (INTERSECT), listed with a UNION of labels.
SELECT 'both years' AS label, count(*) AS customers FROM (
  SELECT customer_id FROM orders WHERE ordered_at < '2025-01-01'
  INTERSECT
  SELECT customer_id FROM orders WHERE ordered_at >= '2025-01-01'
) x
UNION
SELECT 'any year', count(DISTINCT customer_id) FROM orders
ORDER BY 1
