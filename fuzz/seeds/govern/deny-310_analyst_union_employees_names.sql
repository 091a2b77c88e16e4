-- attrs: region=north
-- dialect: any
-- expect: deny table_not_granted
-- why: The second branch of a UNION reads the ungranted employees table.
SELECT name FROM customers
UNION ALL
SELECT name FROM employees
