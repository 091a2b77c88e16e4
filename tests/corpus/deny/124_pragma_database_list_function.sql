-- dialect: sqlite
-- expect: deny table_not_granted
-- why: Table-valued pragma_database_list reveals database file paths.
SELECT * FROM pragma_database_list
