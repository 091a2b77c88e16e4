SELECT department,
       string_agg(name, ', ' ORDER BY name) AS staff,
       array_agg(id ORDER BY id) AS ids,
       bool_and(salary > 30000) AS all_above_30k
FROM employees
GROUP BY department
ORDER BY department
