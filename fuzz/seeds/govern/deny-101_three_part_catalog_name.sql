SELECT * FROM postgres.pg_catalog.pg_authid
