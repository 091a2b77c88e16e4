-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: An aggregate FILTER (WHERE ...) clause on a hidden column.
SELECT count(*) FILTER (WHERE birth_date >= '2000-01-01') AS young
FROM customers
