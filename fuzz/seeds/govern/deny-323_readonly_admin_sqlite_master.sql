SELECT name, sql
FROM sqlite_master
