-- dialect: sqlite
-- expect: deny statement_kind
-- why: VACUUM rewrites the whole database file and holds an exclusive lock.
VACUUM
