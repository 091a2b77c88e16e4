SELECT * FROM `Sqlite_Schema`
