SELECT count(DISTINCT o.customer_id) AS buyers
FROM orders o
WHERE o.id IN (
    SELECT l.order_id
    FROM order_lines l
    WHERE l.product_id IN (
        SELECT id FROM products
        WHERE category = (SELECT category FROM products GROUP BY category ORDER BY count(*) DESC, category LIMIT 1)
    )
)
