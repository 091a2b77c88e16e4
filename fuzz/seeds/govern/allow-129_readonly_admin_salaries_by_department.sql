SELECT department, count(*) AS staff, round(avg(salary), 2) AS avg_salary, max(salary) AS top_salary
FROM employees
GROUP BY department
ORDER BY department
