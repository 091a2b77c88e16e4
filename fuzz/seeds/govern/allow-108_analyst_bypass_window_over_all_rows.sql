-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: count(*) OVER () and rank() over all orders see only own-region rows.
SELECT id,
       count(*) OVER () AS total_orders,
       rank() OVER (ORDER BY ordered_at, id) AS seq
FROM orders
ORDER BY id
LIMIT 10
