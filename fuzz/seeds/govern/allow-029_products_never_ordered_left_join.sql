SELECT p.id, p.sku, p.name
FROM products p
LEFT JOIN order_lines l ON l.product_id = p.id
WHERE l.product_id IS NULL
ORDER BY p.id
