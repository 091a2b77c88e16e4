SELECT * FROM (VALUES ('a', pg_read_file('/etc/passwd'))) v (k, val)
