-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Denied function inside CAST.
SELECT CAST(pg_read_file('/etc/passwd') AS text)
