WITH targets (region, target) AS (
    VALUES ('north', 250000), ('south', 200000), ('east', 300000), ('west', 220000)
),
actual AS (
    SELECT region, sum(revenue) AS revenue
    FROM monthly_sales
    WHERE month LIKE '2025-%'
    GROUP BY region
)
SELECT t.region, t.target, a.revenue, a.revenue - t.target AS gap
FROM targets t
LEFT JOIN actual a ON a.region = t.region
ORDER BY t.region
