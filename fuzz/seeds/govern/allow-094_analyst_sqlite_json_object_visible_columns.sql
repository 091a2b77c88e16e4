-- attrs: region=north
-- dialect: sqlite
-- expect: allow
-- why: SQLite json_object built from visible columns.
SELECT json_object('n', c.name, 'city', c.city, 'segment', c.segment) AS doc
FROM customers c
