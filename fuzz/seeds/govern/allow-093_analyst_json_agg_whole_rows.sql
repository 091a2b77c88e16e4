-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: json_agg over whole rows aggregates only the visible columns of own-region rows.
SELECT c.segment, json_agg(c ORDER BY c.id) AS members
FROM customers c
GROUP BY c.segment
ORDER BY c.segment
