-- dialect: any
-- expect: allow
-- why: Share of orders per status using an aggregate inside a window function.
SELECT status,
       count(*) AS orders,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct
FROM orders
GROUP BY status
ORDER BY orders DESC
