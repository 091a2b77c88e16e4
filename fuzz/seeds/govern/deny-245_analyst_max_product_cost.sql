-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: products.cost is hidden from analysts; max(cost) reveals it.
SELECT max(cost) AS highest_cost
FROM products
