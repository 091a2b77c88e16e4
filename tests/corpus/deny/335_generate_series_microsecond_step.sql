-- dialect: postgres
-- expect: deny function_not_allowed
-- why: issue 8: a step below one second is refused (the step must be a whole positive quantity of seconds or more).
SELECT count(*) FROM generate_series(now(), now() + interval '1 day', '1 microsecond')
