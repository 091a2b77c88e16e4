SELECT id, sku, name, price
FROM products
ORDER BY id
LIMIT 20 OFFSET 40
