-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: A CTE named employees shadows the ungranted table; it reads only the analyst's own orders.
WITH employees AS (SELECT DISTINCT employee_id AS id FROM orders)
SELECT count(*) AS sales_reps
FROM employees
