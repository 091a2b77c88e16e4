SELECT region, count(*) AS orders
FROM orders
GROUP BY region
ORDER BY region
