WITH pg_authid AS (SELECT id, name FROM employees WHERE department = 'Sales')
SELECT count(*) AS sales_staff FROM pg_authid
