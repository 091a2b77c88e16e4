SELECT e.name,
       coalesce(m.name, '(none)') AS manager,
       CAST(e.salary AS INTEGER) AS salary_int,
       nullif(e.department, 'Executive') AS department
FROM employees e
LEFT JOIN employees m ON m.id = e.manager_id
ORDER BY e.id
LIMIT 20
