-- attrs: region=north
-- dialect: sqlite
-- expect: deny column_hidden
-- why: SQLite glob() probing of a hidden column (the function form; the parser has no GLOB operator).
SELECT id
FROM customers
WHERE glob('a*', email)
