-- dialect: postgres
-- expect: deny function_not_allowed
-- why: issue 8: arithmetic on a bound escapes the data's range (a million years of days).
SELECT count(*) FROM generate_series(now(), now() + interval '1000000 years', '1 day')
