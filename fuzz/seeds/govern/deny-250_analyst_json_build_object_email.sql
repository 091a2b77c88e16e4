-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: json_build_object naming a hidden column copies it into a JSON value.
SELECT json_build_object('x', email) AS doc
FROM customers
