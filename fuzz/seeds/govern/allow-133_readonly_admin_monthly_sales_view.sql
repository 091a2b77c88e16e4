SELECT region, sum(revenue) AS revenue_2025
FROM monthly_sales
WHERE month LIKE '2025-%'
GROUP BY region
ORDER BY region
