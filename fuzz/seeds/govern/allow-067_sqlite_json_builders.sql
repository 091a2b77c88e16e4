SELECT region,
       json_object('region', region, 'customers', count(*)) AS summary,
       json_group_array(DISTINCT segment) AS segments
FROM customers
GROUP BY region
ORDER BY region
