-- dialect: postgres
-- expect: allow
-- why: issue 8: three million days asked for: the guard makes none rather than millions, whatever the literal bounds.
SELECT count(*) FROM generate_series('0001-01-01'::date, '9999-12-31'::date, '1 day')
