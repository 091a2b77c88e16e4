SELECT p.category,
       sum(l.quantity) AS units,
       round(sum(l.quantity * l.unit_price * (1 - l.discount)), 2) AS revenue,
       round(sum(l.quantity * (l.unit_price * (1 - l.discount) - p.cost)), 2) AS gross_margin
FROM order_lines l
JOIN products p ON p.id = l.product_id
JOIN orders o ON o.id = l.order_id
WHERE o.status NOT IN ('cancelled', 'returned')
GROUP BY p.category
ORDER BY gross_margin DESC
