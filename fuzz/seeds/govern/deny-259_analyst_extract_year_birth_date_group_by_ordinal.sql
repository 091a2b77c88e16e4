-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: extract(year FROM birth_date) grouped by ordinal position: a birth-year histogram.
SELECT extract(year FROM birth_date) AS born, count(*) AS customers
FROM customers
GROUP BY 1
ORDER BY 1
