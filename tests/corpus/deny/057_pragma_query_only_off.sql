-- dialect: sqlite
-- expect: deny statement_kind
-- why: PRAGMA query_only = 0 switches off SQLite's read-only guard for the connection.
PRAGMA query_only = 0
