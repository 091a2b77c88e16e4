-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: CAST of the hidden national id to int: the error message would echo the value.
SELECT CAST(national_id AS int)
FROM customers
WHERE email = 'john.lopez7@example.com'
