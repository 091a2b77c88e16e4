SELECT make_date(year => 2024, month => 1, day => length(pg_read_file('/etc/hostname')))
