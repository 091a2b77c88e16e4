SELECT department, group_concat(name, ', ') AS staff, total(salary) AS payroll
FROM employees
GROUP BY department
ORDER BY department
