-- dialect: sqlite
-- expect: deny table_not_granted
-- why: sqlite_temp_master is the schema table of the temp database.
SELECT * FROM sqlite_temp_master
