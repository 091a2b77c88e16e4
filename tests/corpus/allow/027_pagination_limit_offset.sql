-- dialect: any
-- expect: allow
-- why: Paging through the product list with LIMIT and OFFSET.
SELECT id, sku, name, price
FROM products
ORDER BY id
LIMIT 20 OFFSET 40
