-- dialect: postgres
-- expect: deny function_not_allowed
-- why: issue 8: a step that is not a literal makes the count unknowable.
SELECT count(*) FROM orders o, LATERAL generate_series(o.ordered_at, o.ordered_at + interval '1 day', make_interval(secs => o.id)) AS g
