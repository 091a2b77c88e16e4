SELECT region, month, revenue,
       sum(revenue) OVER (PARTITION BY region ORDER BY month
                          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_revenue
FROM monthly_sales
ORDER BY region, month
