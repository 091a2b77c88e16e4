-- dialect: sqlite
-- expect: deny table_not_granted
-- why: The dbstat virtual table exposes page-level storage details.
SELECT * FROM dbstat
