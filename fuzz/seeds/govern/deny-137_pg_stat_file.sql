SELECT * FROM pg_stat_file('postgresql.conf')
