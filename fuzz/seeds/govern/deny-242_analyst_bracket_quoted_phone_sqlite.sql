-- attrs: region=north
-- dialect: sqlite
-- expect: deny column_hidden
-- why: SQLite [bracket] quoting of a hidden column.
SELECT id, [phone]
FROM customers
