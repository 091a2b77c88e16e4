-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Cross join of two generate_series multiplies to 10^10 rows.
SELECT count(*) FROM generate_series(1, 100000) a, generate_series(1, 100000) b
