-- dialect: any
-- expect: deny function_not_allowed
-- why: generate_series can produce billions of rows (memory/CPU exhaustion).
SELECT count(*) FROM generate_series(1, 100000000000)
