-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: SELECT * FROM products returns every product but no cost column.
SELECT *
FROM products
WHERE category = 'Books'
