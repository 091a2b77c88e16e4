-- dialect: postgres
-- expect: deny function_not_allowed
-- why: issue 8: literal bounds far outside everyday dates (three million days).
SELECT count(*) FROM generate_series('0001-01-01'::date, '9999-12-31'::date, '1 day')
