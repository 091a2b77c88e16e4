-- dialect: postgres
-- expect: deny function_not_allowed
-- why: issue 8: an integer series whose stop is computed from a column has no literal count (only date/time series are capped by the rewrite).
SELECT count(*) FROM orders o, LATERAL generate_series(1, o.id * 1000000) AS g
