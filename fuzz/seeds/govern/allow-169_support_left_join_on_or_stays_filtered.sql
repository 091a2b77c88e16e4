-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: A LEFT JOIN's ON that is an OR of key lookups, moved into the joined table's fence, stays under its row filter.
SELECT c.id, c.region, c.email FROM (SELECT 1 AS k) x LEFT JOIN customers c ON c.id = 2 OR c.id = 3 OR c.id = 5 ORDER BY c.id
