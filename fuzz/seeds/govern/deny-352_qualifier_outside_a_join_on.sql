-- attrs: region=north
-- dialect: postgres
-- expect: deny unknown_column
-- why: A JOIN's ON sees only the join's two sides: q.pg_sleep names the outer generate_series q, and would sleep.
SELECT count(*) FROM generate_series(2, 2) AS q, LATERAL (SELECT 1 AS one FROM (SELECT 1 AS pg_sleep) AS q, (SELECT 1 AS a) AS a JOIN (SELECT 1 AS b) AS b ON q.pg_sleep IS NULL) AS s
