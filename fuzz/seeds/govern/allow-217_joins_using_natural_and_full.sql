SELECT s.region, s.n_orders, e.n_staff
FROM (SELECT region, count(*) FROM orders GROUP BY region) AS s(region, n_orders)
FULL OUTER JOIN (SELECT region, count(*) AS n_staff FROM employees GROUP BY region) e USING (region)
ORDER BY 1
