-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: PostgreSQL's |/ ||/ @ operators, OVERLAPS of two periods and ROW(...) over a filtered table (its visible columns only) are ordinary analytics.
SELECT |/ 25.0 AS root, @ -5 AS absolute, (DATE '2024-01-01', DATE '2024-02-01') OVERLAPS (DATE '2024-01-15', DATE '2024-03-01') AS overlaps,
       ROW(o.id, o.status) = ROW(o.id, o.status) AS same, ROW(o.*)::text AS whole
FROM orders o ORDER BY o.id LIMIT 5
