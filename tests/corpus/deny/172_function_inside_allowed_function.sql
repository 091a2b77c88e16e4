-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Denied function nested as the argument of allowed functions.
SELECT upper(json_build_object('f', pg_read_file('/etc/passwd'))::text)
