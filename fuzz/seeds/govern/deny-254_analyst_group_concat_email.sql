-- attrs: region=north
-- dialect: sqlite
-- expect: deny column_hidden
-- why: SQLite group_concat over a hidden column.
SELECT group_concat(email, ';') AS emails
FROM customers
