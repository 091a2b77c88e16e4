-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: Conditional aggregates with FILTER, ILIKE and IS DISTINCT FROM, as models write status breakdowns.
SELECT date_part('year', ordered_at) AS yr,
       count(*) FILTER (WHERE status = 'delivered') AS delivered,
       count(*) FILTER (WHERE status IS DISTINCT FROM 'delivered') AS other,
       count(*) FILTER (WHERE status ILIKE 'ret%') AS returned
FROM orders
GROUP BY 1
ORDER BY 1
