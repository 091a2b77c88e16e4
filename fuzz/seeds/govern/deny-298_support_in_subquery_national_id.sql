-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A self-referencing IN subquery on the hidden national id.
SELECT email
FROM customers
WHERE national_id IN (SELECT national_id FROM customers WHERE email LIKE 'j%')
