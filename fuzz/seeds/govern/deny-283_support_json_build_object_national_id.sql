-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: json_build_object with the hidden national id next to visible contact data.
SELECT json_build_object('customer', c.name, 'email', c.email, 'nid', c.national_id) AS doc
FROM customers c
WHERE c.email = 'john.lopez7@example.com'
