-- attrs: region=north
-- dialect: any
-- expect: deny table_not_granted
-- why: The ungranted employees table hidden in an IN subquery.
SELECT count(*)
FROM orders
WHERE employee_id IN (SELECT id FROM employees WHERE region = 'north')
