-- role: readonly_admin
-- dialect: sqlite
-- expect: allow
-- why: json_object and json_group_array in SQLite.
SELECT region, json_object('n', count(*), 'first', min(ordered_at)) AS summary,
       json_group_array(DISTINCT status) AS statuses
FROM orders GROUP BY region ORDER BY region
