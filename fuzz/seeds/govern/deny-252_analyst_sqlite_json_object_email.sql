-- attrs: region=north
-- dialect: sqlite
-- expect: deny column_hidden
-- why: SQLite json_object naming a hidden column.
SELECT json_object('e', email) AS doc
FROM customers
