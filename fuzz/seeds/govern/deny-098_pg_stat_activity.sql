SELECT pid, usename, query FROM pg_stat_activity
