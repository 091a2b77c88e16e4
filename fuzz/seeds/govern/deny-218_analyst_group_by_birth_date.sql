-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: Grouping by a hidden column reveals its distinct values' cardinality per group.
SELECT segment, count(*) AS customers
FROM customers
GROUP BY segment, birth_date
