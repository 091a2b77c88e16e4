-- dialect: sqlite
-- expect: deny table_not_granted
-- why: sqlite_master exposes the full schema DDL.
SELECT sql FROM sqlite_master
