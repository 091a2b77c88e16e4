SELECT name, department, salary,
       avg(salary) OVER (PARTITION BY department ORDER BY salary GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS neighbours,
       first_value(name) OVER (PARTITION BY department ORDER BY salary DESC) AS top,
       lead(salary, 1, 0) OVER (PARTITION BY department ORDER BY salary) AS next_salary
FROM employees
ORDER BY department, salary, name
