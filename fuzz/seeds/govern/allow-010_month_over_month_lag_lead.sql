WITH totals AS (
    SELECT month, sum(revenue) AS revenue
    FROM monthly_sales
    GROUP BY month
)
SELECT month, revenue,
       lag(revenue) OVER (ORDER BY month) AS prev_month,
       lead(revenue) OVER (ORDER BY month) AS next_month,
       revenue - lag(revenue, 1, 0) OVER (ORDER BY month) AS delta
FROM totals
ORDER BY month
