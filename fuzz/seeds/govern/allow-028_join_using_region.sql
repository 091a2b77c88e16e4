SELECT region, count(DISTINCT c.id) AS customers, count(DISTINCT e.id) AS employees
FROM customers c
JOIN employees e USING (region)
GROUP BY region
ORDER BY region
