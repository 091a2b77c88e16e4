-- attrs: region=north
-- dialect: sqlite
-- expect: deny column_hidden
-- why: SQLite `backtick` quoting of a hidden column.
SELECT id, `birth_date`
FROM customers
