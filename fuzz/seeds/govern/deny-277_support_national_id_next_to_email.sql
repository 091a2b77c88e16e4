-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: Support sees e-mail and phone but never the national id.
SELECT id, name, email, national_id
FROM customers
WHERE email = 'john.lopez7@example.com'
