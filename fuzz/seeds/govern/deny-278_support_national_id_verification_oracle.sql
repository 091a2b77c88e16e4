-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: Looking a customer up by national id confirms whether a given id belongs to a customer.
SELECT id, name, email
FROM customers
WHERE national_id = 'NID-877161571'
