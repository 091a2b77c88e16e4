SELECT e.name, e.region, count(o.id) AS orders,
       dense_rank() OVER (PARTITION BY e.region ORDER BY count(o.id) DESC) AS region_rank
FROM employees e
JOIN orders o ON o.employee_id = e.id
GROUP BY e.id, e.name, e.region
ORDER BY e.region, region_rank
