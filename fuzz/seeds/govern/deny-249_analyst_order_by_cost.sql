-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: ORDER BY cost ranks products by the hidden purchase cost.
SELECT name, price
FROM products
ORDER BY cost DESC
LIMIT 5
