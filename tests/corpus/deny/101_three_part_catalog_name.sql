-- dialect: postgres
-- expect: deny table_not_granted
-- why: database.schema.table names are accepted by PostgreSQL for the current database.
SELECT * FROM postgres.pg_catalog.pg_authid
