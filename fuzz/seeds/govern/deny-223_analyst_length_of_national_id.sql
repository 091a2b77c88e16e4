-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A hidden column as a function argument: length(national_id) derives data from it.
SELECT id, length(national_id) AS id_len
FROM customers
