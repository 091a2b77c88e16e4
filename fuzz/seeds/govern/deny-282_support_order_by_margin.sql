-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: ORDER BY price - cost ranks products by the hidden margin.
SELECT name, price
FROM products
ORDER BY price - cost DESC
LIMIT 5
