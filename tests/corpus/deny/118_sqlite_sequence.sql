-- dialect: sqlite
-- expect: deny table_not_granted
-- why: sqlite_sequence is an internal table.
SELECT * FROM sqlite_sequence
