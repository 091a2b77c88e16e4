WITH RECURSIVE n (i) AS (
    SELECT 0
    UNION ALL
    SELECT i + 1 FROM n WHERE i < 23
),
months (month) AS (
    SELECT CAST(2024 + i / 12 AS TEXT) || '-' || CASE WHEN i % 12 < 9 THEN '0' ELSE '' END || CAST(i % 12 + 1 AS TEXT)
    FROM n
)
SELECT m.month, coalesce(sum(s.revenue), 0) AS revenue
FROM months m
LEFT JOIN monthly_sales s ON s.month = m.month
GROUP BY m.month
ORDER BY m.month
