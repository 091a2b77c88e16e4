-- role: readonly_admin
-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Seeing every table does not allow reading server files.
SELECT pg_read_file('/etc/passwd')
