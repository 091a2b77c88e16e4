-- attrs: region=north
-- dialect: any
-- expect: deny table_not_granted
-- why: employees is not in the analyst policy.
SELECT name, salary
FROM employees
