SELECT region, round(avg(total), 2) AS avg_order_value, max(total) AS biggest_order
FROM (
    SELECT o.id, o.region, sum(l.quantity * l.unit_price * (1 - l.discount)) AS total
    FROM orders o
    JOIN order_lines l ON l.order_id = o.id
    GROUP BY o.id, o.region
) t
GROUP BY region
ORDER BY avg_order_value DESC
