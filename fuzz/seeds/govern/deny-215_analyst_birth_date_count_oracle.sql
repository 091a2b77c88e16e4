-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A count over a comparison on birth_date is an oracle for the hidden value (binary search on dates).
SELECT count(*) AS older_customers
FROM customers
WHERE birth_date < '1970-01-01'
