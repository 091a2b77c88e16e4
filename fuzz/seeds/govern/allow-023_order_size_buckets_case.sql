WITH order_totals AS (
    SELECT order_id, sum(quantity * unit_price) AS total
    FROM order_lines
    GROUP BY order_id
)
SELECT CASE WHEN total < 100 THEN 'small'
            WHEN total < 1000 THEN 'medium'
            ELSE 'large' END AS bucket,
       count(*) AS orders
FROM order_totals
GROUP BY 1
ORDER BY 2 DESC
