SELECT count(*), min(pg_typeof(d)::text) FROM generate_series('2025-12-31'::date, '2025-01-01'::date, '-1 day') d
