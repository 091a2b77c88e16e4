-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Order status mix with each status's share, computed with a window over the aggregate.
SELECT status,
       count(*) AS orders,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct
FROM orders
GROUP BY status
ORDER BY status
