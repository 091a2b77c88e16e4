-- dialect: postgres
-- expect: allow
-- why: json_build_object, jsonb_build_object, json_agg and to_jsonb build JSON from query results.
SELECT json_build_object('region', region, 'customers', count(*)) AS summary,
       jsonb_build_object('segments', json_agg(DISTINCT segment)) AS segments,
       to_jsonb(max(created_at)) AS newest_customer
FROM customers
GROUP BY region
ORDER BY region
