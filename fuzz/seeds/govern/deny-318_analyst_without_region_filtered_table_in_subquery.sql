SELECT count(*) AS ordered_products
FROM products
WHERE id IN (SELECT product_id FROM order_lines)
