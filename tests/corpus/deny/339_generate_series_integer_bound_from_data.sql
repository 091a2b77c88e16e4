-- dialect: postgres
-- expect: deny function_not_allowed
-- why: issue 8: an integer series whose stop is computed from a column is counted when it runs, which needs a literal step; a step from a column is no count. (Without the step, `generate_series(1, o.id * 1000000)` now fails when it runs, before making a row: tests/pg_values.rs.)
SELECT count(*) FROM orders o, LATERAL generate_series(1, o.id * 1000000, o.id) AS g
