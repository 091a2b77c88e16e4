-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: to_jsonb of a whole customer row only sees the visible columns.
SELECT to_jsonb(c) AS doc
FROM customers c
ORDER BY c.id
LIMIT 20
