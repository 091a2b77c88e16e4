WITH spend AS (
    SELECT o.customer_id, sum(l.quantity * l.unit_price) AS total
    FROM orders o
    JOIN order_lines l ON l.order_id = o.id
    GROUP BY o.customer_id
)
SELECT quartile, count(*) AS customers, min(total) AS min_spend, max(total) AS max_spend
FROM (SELECT customer_id, total, ntile(4) OVER (ORDER BY total DESC) AS quartile FROM spend) q
GROUP BY quartile
ORDER BY quartile
