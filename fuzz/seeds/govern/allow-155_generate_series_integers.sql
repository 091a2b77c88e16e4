-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: issue 8: a literal integer series of a bounded count (a spine of order ids).
SELECT g AS id, o.status FROM generate_series(1, 12) AS g LEFT JOIN orders o ON o.id = g ORDER BY g
