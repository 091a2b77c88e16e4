-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Chained CTEs, one referenced twice (self-join of monthly figures for month-over-month change).
WITH lines AS (
  SELECT o.id, substr(o.ordered_at, 1, 7) AS month, l.quantity * l.unit_price AS value
  FROM orders o JOIN order_lines l ON l.order_id = o.id
), monthly AS (
  SELECT month, sum(value) AS revenue, count(DISTINCT id) AS orders FROM lines GROUP BY month
)
SELECT cur.month, cur.revenue, prev.revenue AS previous, round(100.0 * (cur.revenue - prev.revenue) / prev.revenue, 1) AS change_pct
FROM monthly cur LEFT JOIN monthly prev ON prev.month = (SELECT max(month) FROM monthly m WHERE m.month < cur.month)
ORDER BY cur.month
