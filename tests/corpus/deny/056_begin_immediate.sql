-- dialect: sqlite
-- expect: deny statement_kind
-- why: SQLite BEGIN IMMEDIATE takes the database write lock and blocks writers.
BEGIN IMMEDIATE
