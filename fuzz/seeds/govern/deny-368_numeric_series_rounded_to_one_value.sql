-- attrs: region=north
-- dialect: postgres
-- expect: deny function_not_allowed
-- why: a number series' row count was computed in floating point, where these bounds are one value; PostgreSQL counts exactly and made two million rows (ten orders more filled temp files until the timeout) (red-team finding). Counted exactly (literals past 28 significant digits are counted when the statement runs, in numeric: tests/pg_values.rs).
SELECT count(*) AS n FROM generate_series(1000000000000000000000000000, 1000000000000000000002000000) AS g
