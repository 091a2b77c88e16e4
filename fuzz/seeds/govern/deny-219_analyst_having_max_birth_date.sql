-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: An aggregate over a hidden column in HAVING is an oracle on that column.
SELECT segment, count(*) AS customers
FROM customers
GROUP BY segment
HAVING max(birth_date) > '2000-01-01'
