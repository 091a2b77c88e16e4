-- dialect: sqlite
-- expect: deny table_not_granted
-- why: sqlite_schema is the modern name of sqlite_master.
SELECT name, sql FROM sqlite_schema WHERE type = 'table'
