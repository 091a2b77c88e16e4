-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: json_build_object of the contact columns support may see.
SELECT json_build_object('name', name, 'email', email, 'phone', phone) AS card
FROM customers
WHERE id = 8
