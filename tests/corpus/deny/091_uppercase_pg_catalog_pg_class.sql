-- dialect: postgres
-- expect: deny table_not_granted
-- why: Unquoted upper-case names fold to pg_catalog.pg_class in PostgreSQL.
SELECT relname FROM PG_CATALOG.PG_CLASS
