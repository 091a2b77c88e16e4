-- dialect: sqlite
-- expect: deny statement_kind
-- why: The PRAGMA statement form is not a query even when it only reads metadata.
PRAGMA table_info('customers')
