-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: SELECT * is allowed for support, ORDER BY the hidden national id is not.
SELECT *
FROM customers
ORDER BY national_id
LIMIT 5
