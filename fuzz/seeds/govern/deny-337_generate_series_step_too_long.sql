SELECT count(*) FROM generate_series(now(), now() + interval '100 years', '5 years')
