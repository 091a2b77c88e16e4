-- attrs: region=north
-- dialect: postgres
-- expect: deny unknown_column
-- why: Inside a non-LATERAL derived table PostgreSQL cannot see its sibling q, so q.ts_stat names the outer one-value unnest q: ts_stat(q), SQL given as text.
SELECT s.w FROM unnest(ARRAY['select array_to_tsvector(array[national_id]) from customers']) AS q, LATERAL (SELECT x.w FROM (SELECT 1 AS ts_stat) AS q, (SELECT CAST(q.ts_stat AS text) AS w) AS x) AS s
