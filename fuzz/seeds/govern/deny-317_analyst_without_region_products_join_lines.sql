SELECT p.category, sum(l.quantity) AS units
FROM order_lines l
JOIN products p ON p.id = l.product_id
GROUP BY p.category
