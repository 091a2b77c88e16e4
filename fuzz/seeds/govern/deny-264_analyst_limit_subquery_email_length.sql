-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: A scalar subquery over a hidden column in LIMIT leaks it through the row count.
SELECT id
FROM customers
ORDER BY id
LIMIT (SELECT max(length(email)) FROM customers)
