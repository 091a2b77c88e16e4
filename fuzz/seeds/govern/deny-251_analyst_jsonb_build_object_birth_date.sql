-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: jsonb_build_object with a hidden column among visible ones.
SELECT jsonb_build_object('id', id, 'born', birth_date) AS doc
FROM customers
