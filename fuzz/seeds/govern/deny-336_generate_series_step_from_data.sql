SELECT count(*) FROM orders o, LATERAL generate_series(o.ordered_at, o.ordered_at + interval '1 day', make_interval(secs => o.id)) AS g
