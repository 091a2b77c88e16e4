-- dialect: postgres
-- expect: deny function_not_allowed
-- why: The query under EXPLAIN is checked like any other query.
EXPLAIN SELECT pg_read_file('/etc/passwd')
