-- dialect: any
-- expect: allow
-- why: Plain read of the reporting view: revenue per month and region for 2025.
SELECT month, region, orders, revenue
FROM monthly_sales
WHERE month >= '2025-01'
ORDER BY month, region
