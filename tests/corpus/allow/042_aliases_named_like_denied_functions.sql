-- dialect: any
-- expect: allow
-- why: Column aliases named pg_sleep, version and load_extension are names, not calls.
SELECT id AS pg_sleep, name AS "version", sku AS load_extension
FROM products
ORDER BY id
LIMIT 3
