-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: jsonb_path_query (set-returning in the select list) and array_to_json build JSON from what the role sees.
SELECT o.status, array_to_json(array_agg(o.id ORDER BY o.id)) AS ids,
       jsonb_path_query(jsonb_build_object('n', count(*)), '$.n') AS n
FROM orders o GROUP BY o.status ORDER BY o.status
