-- attrs: region=north
-- dialect: any
-- expect: deny table_not_granted
-- why: employees is not in the support policy.
SELECT name, title
FROM employees
WHERE department = 'Sales'
