-- dialect: postgres
-- expect: deny function_not_allowed
-- why: issue 8: a step so long that start + step * 100000 leaves the timestamp range is refused.
SELECT count(*) FROM generate_series(now(), now() + interval '100 years', '5 years')
