-- attrs: region=north
-- dialect: sqlite
-- expect: allow
-- why: issue 12: malformed JSON raises in SQLite; only visible rows may reach it (order 3 is east).
SELECT count(*) FROM orders WHERE json_extract(CASE WHEN id = 3 THEN '{' ELSE '{}' END, '$') IS NOT NULL
