WITH c AS (SELECT region, count(*) AS customers FROM customers GROUP BY region),
     e AS (SELECT region, count(*) AS sales_staff FROM employees WHERE department = 'Sales' GROUP BY region)
SELECT coalesce(c.region, e.region) AS region, c.customers, e.sales_staff
FROM c
FULL JOIN e ON e.region = c.region
ORDER BY 1
