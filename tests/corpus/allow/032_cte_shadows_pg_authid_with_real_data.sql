-- dialect: any
-- expect: allow
-- why: A CTE named pg_authid whose body reads a granted table; the outer reference is the CTE, not the catalog.
WITH pg_authid AS (SELECT id, name FROM employees WHERE department = 'Sales')
SELECT count(*) AS sales_staff FROM pg_authid
