SELECT name, sql FROM sqlite_schema WHERE type = 'table'
