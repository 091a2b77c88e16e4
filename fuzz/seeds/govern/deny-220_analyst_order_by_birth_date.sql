-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: ORDER BY a hidden column exposes its ranking (who is oldest) without selecting it.
SELECT id, name
FROM customers
ORDER BY birth_date
LIMIT 10
