SELECT month, region, orders, revenue
FROM monthly_sales
WHERE month >= '2025-01'
ORDER BY month, region
