-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: age(birth_date) computes each customer's exact age from the hidden date of birth.
SELECT id, age(birth_date) AS customer_age
FROM customers
