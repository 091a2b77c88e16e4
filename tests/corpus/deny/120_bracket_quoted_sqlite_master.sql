-- dialect: sqlite
-- expect: deny table_not_granted
-- why: SQLite also accepts [bracket] quoting for identifiers.
SELECT * FROM [sqlite_master]
