-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A window partitioned by the hidden cost groups products of equal cost.
SELECT name, count(*) OVER (PARTITION BY cost) AS same_cost
FROM products
