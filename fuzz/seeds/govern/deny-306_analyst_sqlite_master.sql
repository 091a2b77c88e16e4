-- attrs: region=north
-- dialect: sqlite
-- expect: deny table_not_granted
-- why: sqlite_master is never granted, whatever the role.
SELECT sql
FROM sqlite_master
WHERE name = 'customers'
