-- dialect: sqlite
-- expect: deny table_not_granted
-- why: A table in another attached database.
SELECT * FROM other.customers
