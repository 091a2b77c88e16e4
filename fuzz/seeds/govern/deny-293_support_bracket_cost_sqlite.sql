-- attrs: region=north
-- dialect: sqlite
-- expect: deny column_hidden
-- why: SQLite [bracket]-quoted hidden cost.
SELECT [name], [cost]
FROM products
