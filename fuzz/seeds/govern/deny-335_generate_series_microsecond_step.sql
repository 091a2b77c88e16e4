SELECT count(*) FROM generate_series(now(), now() + interval '1 day', '1 microsecond')
