-- attrs: region=north
-- dialect: sqlite
-- expect: allow
-- why: issue 8: everyday functions from SQLite's math, core and JSON pages (allowlist review).
SELECT id, round(tanh(0.5), 6) AS t, likelihood(id > 3, 0.5) AS l, json_pretty('{"a":1}') AS j FROM orders ORDER BY id LIMIT 3
