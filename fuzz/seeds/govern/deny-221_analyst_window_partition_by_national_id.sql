-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A hidden column in a window PARTITION BY groups rows by its value.
SELECT id, count(*) OVER (PARTITION BY national_id) AS same_id
FROM customers
