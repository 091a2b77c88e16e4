-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: CAST(national_id AS int) fails with an error message that quotes the hidden value (invalid input syntax for type integer: "NID-...").
SELECT CAST(national_id AS int) AS nid
FROM customers
WHERE id = 7
