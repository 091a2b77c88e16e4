-- dialect: sqlite
-- expect: allow
-- why: json_object and json_group_array build JSON per region.
SELECT region,
       json_object('region', region, 'customers', count(*)) AS summary,
       json_group_array(DISTINCT segment) AS segments
FROM customers
GROUP BY region
ORDER BY region
