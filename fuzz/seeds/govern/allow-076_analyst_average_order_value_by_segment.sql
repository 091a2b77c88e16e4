-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Average order value per customer segment (segment is a visible customer column).
SELECT c.segment,
       count(*) AS orders,
       round(avg(t.total), 2) AS avg_order_value
FROM (
    SELECT o.id, o.customer_id, sum(l.quantity * l.unit_price * (1 - l.discount)) AS total
    FROM orders o
    JOIN order_lines l ON l.order_id = o.id
    GROUP BY o.id, o.customer_id
) t
JOIN customers c ON c.id = t.customer_id
GROUP BY c.segment
ORDER BY c.segment
