-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: RFM scoring: recency, frequency and monetary quintiles per customer with NTILE over aggregates.
WITH per_customer AS (
  SELECT o.customer_id, max(o.ordered_at) AS last_order, count(DISTINCT o.id) AS orders,
         sum(l.quantity * l.unit_price) AS spent
  FROM orders o JOIN order_lines l ON l.order_id = o.id
  GROUP BY o.customer_id
)
SELECT customer_id,
       ntile(5) OVER (ORDER BY last_order) AS r, ntile(5) OVER (ORDER BY orders) AS f, ntile(5) OVER (ORDER BY spent) AS m
FROM per_customer
ORDER BY customer_id
LIMIT 30
