-- role: readonly_admin
-- dialect: postgres
-- expect: deny locking_clause
-- why: Row locks are writes in disguise: FOR UPDATE is refused for readonly_admin too.
SELECT name, salary
FROM employees
WHERE department = 'Sales'
FOR UPDATE
