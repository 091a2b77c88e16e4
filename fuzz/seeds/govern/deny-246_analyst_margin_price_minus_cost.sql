-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: Average margin per category (price - cost) derives the hidden cost.
SELECT category, round(avg(price - cost), 2) AS avg_margin
FROM products
GROUP BY category
