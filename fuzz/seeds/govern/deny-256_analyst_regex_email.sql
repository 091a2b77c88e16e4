-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: A regular-expression match (~) on a hidden column is an oracle.
SELECT id
FROM customers
WHERE email ~ '^a'
