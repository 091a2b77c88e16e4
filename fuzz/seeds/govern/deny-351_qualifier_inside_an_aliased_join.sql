-- attrs: region=north
-- dialect: postgres
-- expect: deny unknown_column
-- why: The alias j hides the q inside the join, so PostgreSQL resolves q.ts_stat to the outer unnest q: ts_stat(q).
SELECT s.w FROM unnest(ARRAY['select 1']) AS q, LATERAL (SELECT CAST(q.ts_stat AS text) AS w FROM ((SELECT 1 AS ts_stat) AS q CROSS JOIN (SELECT 2 AS z) AS z) AS j) AS s
