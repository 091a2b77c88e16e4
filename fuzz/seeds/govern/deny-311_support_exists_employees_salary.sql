-- attrs: region=north
-- dialect: any
-- expect: deny table_not_granted
-- why: A correlated EXISTS over the ungranted employees table (and its salary).
SELECT o.id
FROM orders o
WHERE EXISTS (SELECT 1 FROM employees e WHERE e.id = o.employee_id AND e.salary > 100000)
