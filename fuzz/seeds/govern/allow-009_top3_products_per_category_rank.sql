SELECT category, name, revenue, rnk
FROM (
    SELECT p.category, p.name,
           sum(l.quantity * l.unit_price) AS revenue,
           rank() OVER (PARTITION BY p.category ORDER BY sum(l.quantity * l.unit_price) DESC) AS rnk
    FROM products p
    JOIN order_lines l ON l.product_id = p.id
    GROUP BY p.id, p.category, p.name
) ranked
WHERE rnk <= 3
ORDER BY category, rnk
