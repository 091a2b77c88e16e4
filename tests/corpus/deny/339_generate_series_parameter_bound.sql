-- dialect: postgres
-- expect: deny function_not_allowed
-- why: issue 8: a bound that is a column of a table function's own output (not a literal) makes the count unknowable.
SELECT count(*) FROM orders o, LATERAL generate_series(1, o.id * 1000000) AS g
