-- dialect: sqlite
-- expect: deny table_not_granted
-- why: sqlite_master hidden in an IN subquery.
SELECT * FROM customers WHERE name IN (SELECT name FROM sqlite_master)
