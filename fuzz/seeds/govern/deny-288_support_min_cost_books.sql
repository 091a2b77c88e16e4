-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: min(cost) for one category.
SELECT min(cost) AS cheapest_cost
FROM products
WHERE category = 'Books'
