-- dialect: postgres
-- expect: deny table_not_granted
-- why: pg_stat_activity shows other sessions' query texts.
SELECT pid, usename, query FROM pg_stat_activity
