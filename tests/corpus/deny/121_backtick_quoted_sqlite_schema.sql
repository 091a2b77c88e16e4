-- dialect: sqlite
-- expect: deny table_not_granted
-- why: SQLite also accepts `backtick` quoting for identifiers.
SELECT * FROM `Sqlite_Schema`
