SELECT c.id, c.name, c.region,
       round(sum(l.quantity * l.unit_price * (1 - l.discount)), 2) AS revenue
FROM customers c
JOIN orders o ON o.customer_id = c.id
JOIN order_lines l ON l.order_id = o.id
WHERE o.status IN ('shipped', 'delivered')
GROUP BY c.id, c.name, c.region
ORDER BY revenue DESC
LIMIT 10
