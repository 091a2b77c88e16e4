-- role: readonly_admin
-- dialect: sqlite
-- expect: deny table_not_granted
-- why: sqlite_master is not part of tables."*".
SELECT name, sql
FROM sqlite_master
