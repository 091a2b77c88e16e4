-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: A :: cast of a hidden column in WHERE is an error-message oracle even with nothing selected from it.
SELECT id
FROM customers
WHERE national_id::integer > 0
