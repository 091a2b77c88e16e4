-- dialect: postgres
-- expect: deny function_not_allowed
-- why: pg_stat_file probes server files.
SELECT * FROM pg_stat_file('postgresql.conf')
