-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Denied function in a VALUES row.
SELECT * FROM (VALUES ('a', pg_read_file('/etc/passwd'))) v (k, val)
