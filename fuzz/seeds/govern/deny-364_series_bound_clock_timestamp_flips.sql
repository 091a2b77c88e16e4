-- attrs: region=north
-- dialect: postgres
-- expect: deny function_not_allowed
-- why: clock_timestamp() changes between the guard's read and the series' own: a bound that flips on its microseconds passes the guard one time in two and makes an unbounded series the other (red-team finding).
SELECT count(*) FROM generate_series(CASE WHEN extract(microseconds FROM clock_timestamp())::int % 2 = 0 THEN now() ELSE now() - interval '300 years' END, now(), interval '1 second')
