-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: SELECT * FROM products for support: only id, sku, name, category, price, active.
SELECT *
FROM products
WHERE sku = 'ELE-0001'
