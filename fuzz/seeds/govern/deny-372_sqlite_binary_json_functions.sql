-- attrs: region=north
-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: SQLite's binary JSON builders (jsonb*) nest blobs without a bound, and SQLite printed a deep one by recursing once per level until a worker's stack overflowed (red-team finding); they were allowed on 2026-12-01 and taken off again the same day.
SELECT id, json(jsonb_object('id', id, 'status', status)) AS doc, jsonb_extract(jsonb_array(id, status), '$[1]') AS s
FROM orders WHERE status IS NOT 'cancelled' ORDER BY id LIMIT 5
