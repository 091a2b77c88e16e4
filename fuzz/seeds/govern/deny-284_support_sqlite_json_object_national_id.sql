-- attrs: region=north
-- dialect: sqlite
-- expect: deny column_hidden
-- why: SQLite json_object with the hidden national id.
SELECT json_object('email', email, 'nid', national_id) AS doc
FROM customers
WHERE email = 'john.lopez7@example.com'
