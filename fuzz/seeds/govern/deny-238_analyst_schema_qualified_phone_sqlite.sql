-- attrs: region=north
-- dialect: sqlite
-- expect: deny column_hidden
-- why: A schema-and-table-qualified hidden column in SQLite (main.customers.phone).
SELECT main.customers.phone
FROM main.customers
