-- dialect: sqlite
-- expect: deny table_not_granted
-- why: Schema-qualified and upper-case sqlite_master (SQLite names are case-insensitive).
SELECT * FROM MAIN.SQLITE_MASTER
