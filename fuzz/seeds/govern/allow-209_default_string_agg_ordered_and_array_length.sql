SELECT department, string_agg(name, ', ' ORDER BY hired_at) AS team, array_length(array_agg(id ORDER BY id), 1) AS size
FROM employees
GROUP BY department
ORDER BY department
