-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: ILIKE probing of a hidden column.
SELECT count(*)
FROM customers
WHERE email ILIKE 'J%'
