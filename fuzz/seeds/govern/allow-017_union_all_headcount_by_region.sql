SELECT region, 'customer' AS kind, count(*) AS n FROM customers GROUP BY region
UNION ALL
SELECT region, 'employee', count(*) FROM employees GROUP BY region
ORDER BY region, kind
