-- role: analyst
-- attrs: region=north
-- dialect: sqlite
-- expect: allow
-- why: SQLite's binary JSON functions are their text twins' work over a blob.
SELECT id, json(jsonb_object('id', id, 'status', status)) AS doc, jsonb_extract(jsonb_array(id, status), '$[1]') AS s
FROM orders WHERE status IS NOT 'cancelled' ORDER BY id LIMIT 5
