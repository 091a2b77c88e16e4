SELECT * FROM customers WHERE name IN (SELECT name FROM sqlite_master)
