-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: rank() OVER (ORDER BY birth_date) discloses the age ranking of every customer.
SELECT id, name, rank() OVER (ORDER BY birth_date) AS age_rank
FROM customers
