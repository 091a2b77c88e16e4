SELECT region, json_object('n', count(*), 'first', min(ordered_at)) AS summary,
       json_group_array(DISTINCT status) AS statuses
FROM orders GROUP BY region ORDER BY region
