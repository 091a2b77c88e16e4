-- dialect: postgres
-- expect: deny function_not_allowed
-- why: pg_read_file used as a table function in FROM reads server files.
SELECT * FROM pg_read_file('/etc/passwd')
