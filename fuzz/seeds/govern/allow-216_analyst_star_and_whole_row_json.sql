-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: SELECT c.* and whole-row JSON of a restricted table carry only the visible columns and rows, as on the filtered copy.
SELECT c.*, row_to_json(c) AS as_json, (SELECT json_agg(o ORDER BY o.id) FROM orders o WHERE o.customer_id = c.id AND o.ordered_at >= DATE '2025-12-01') AS december
FROM customers c
ORDER BY c.id
LIMIT 5
