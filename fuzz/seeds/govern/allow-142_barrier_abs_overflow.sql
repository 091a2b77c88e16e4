-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: issue 12: abs() of the smallest bigint raises (integer overflow / out of range) on both databases; only visible rows may reach it.
SELECT count(*) FROM orders WHERE abs(CASE WHEN id = 3 THEN -9223372036854775808 ELSE 1 END) = 1
