-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Denied function passed as a named argument of an allowed function.
SELECT make_date(year => 2024, month => 1, day => length(pg_read_file('/etc/hostname')))
