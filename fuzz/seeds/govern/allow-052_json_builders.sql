SELECT json_build_object('region', region, 'customers', count(*)) AS summary,
       jsonb_build_object('segments', json_agg(DISTINCT segment)) AS segments,
       to_jsonb(max(created_at)) AS newest_customer
FROM customers
GROUP BY region
ORDER BY region
