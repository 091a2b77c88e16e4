SELECT id AS pg_sleep, name AS "version", sku AS load_extension
FROM products
ORDER BY id
LIMIT 3
