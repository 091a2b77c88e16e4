SELECT name, salary
FROM employees
WHERE department = 'Sales'
FOR UPDATE
