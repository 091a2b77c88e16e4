SELECT * FROM [sqlite_master]
