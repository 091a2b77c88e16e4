-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: SELECT * is rewritten to the visible columns, but an explicit hidden column in WHERE is still refused.
SELECT *
FROM customers
WHERE email = 'john.lopez7@example.com'
