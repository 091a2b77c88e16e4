-- dialect: any
-- expect: deny function_not_allowed
-- why: format with a huge width (SQLite printf alias / PostgreSQL format) allocates gigabytes.
SELECT format('%2000000000s', 'x')
