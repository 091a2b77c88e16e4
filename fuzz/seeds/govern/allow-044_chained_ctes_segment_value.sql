WITH line_totals AS (
    SELECT order_id, quantity * unit_price * (1 - discount) AS amount
    FROM order_lines
),
order_totals AS (
    SELECT o.customer_id, sum(lt.amount) AS total
    FROM orders o
    JOIN line_totals lt ON lt.order_id = o.id
    WHERE o.status <> 'cancelled'
    GROUP BY o.id, o.customer_id
),
customer_totals AS (
    SELECT customer_id, sum(total) AS lifetime_value, count(*) AS orders
    FROM order_totals
    GROUP BY customer_id
)
SELECT c.segment, count(*) AS customers, round(avg(ct.lifetime_value), 2) AS avg_ltv
FROM customer_totals ct
JOIN customers c ON c.id = ct.customer_id
GROUP BY c.segment
ORDER BY avg_ltv DESC
