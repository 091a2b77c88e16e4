-- dialect: sqlite
-- expect: deny statement_kind
-- why: PRAGMA writable_schema allows corrupting sqlite_schema directly.
PRAGMA writable_schema = 1
