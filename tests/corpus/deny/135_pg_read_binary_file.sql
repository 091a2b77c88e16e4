-- dialect: postgres
-- expect: deny function_not_allowed
-- why: pg_read_binary_file reads server files.
SELECT pg_read_binary_file('global/pg_control')
