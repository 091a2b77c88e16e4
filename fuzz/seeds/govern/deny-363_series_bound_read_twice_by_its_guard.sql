-- attrs: region=north
-- dialect: postgres
-- expect: deny function_not_allowed
-- why: a date series' row cap is a run-time guard that reads its bounds a second time; random() passed the guard with one value and made the series with another (billions of rows, a temp file filling the disk until the timeout) (red-team finding).
SELECT count(*) FROM generate_series(now(), now() + (CASE WHEN random() < 0.5 THEN 1 ELSE 100000000 END) * interval '1 second', '1 second')
