-- dialect: postgres
-- expect: allow
-- why: issue 8: a date series may step down; dates make timestamptz values as PostgreSQL's own call does.
SELECT count(*), min(pg_typeof(d)::text) FROM generate_series('2025-12-31'::date, '2025-01-01'::date, '-1 day') d
