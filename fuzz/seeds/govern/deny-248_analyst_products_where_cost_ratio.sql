-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A WHERE comparison between cost and price is a margin oracle.
SELECT name
FROM products
WHERE cost > price * 0.6
