-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: count(DISTINCT national_id) is an aggregate over a hidden column.
SELECT count(DISTINCT national_id) AS ids
FROM customers
