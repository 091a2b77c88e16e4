-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: issue 8: date(ts) is an everyday PostgreSQL idiom (a function-style cast).
SELECT date(ordered_at) AS day, count(*) AS n FROM orders GROUP BY date(ordered_at) ORDER BY day LIMIT 5
