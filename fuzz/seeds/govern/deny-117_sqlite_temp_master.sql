SELECT * FROM sqlite_temp_master
