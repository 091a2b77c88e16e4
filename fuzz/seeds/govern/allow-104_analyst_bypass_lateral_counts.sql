-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: A LATERAL subquery per customer counts only own-region orders.
SELECT c.region, sum(x.n) AS orders, count(*) AS customers
FROM customers c
CROSS JOIN LATERAL (SELECT count(*) AS n FROM orders o WHERE o.customer_id = c.id) x
GROUP BY c.region
ORDER BY c.region
