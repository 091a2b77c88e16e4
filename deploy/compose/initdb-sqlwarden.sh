#!/bin/sh
# Run by the postgres image after the demo schema and data are loaded (docker-entrypoint-initdb.d):
# a read-only login for the data sqlwarden serves, and a database of its own for the
# governance store (tokens, audit trail), owned by another login.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v reader_pw="$SQLWARDEN_READER_PASSWORD" -v store_pw="$SQLWARDEN_STORE_PASSWORD" \
    -v demo_db="$POSTGRES_DB" <<'SQL'
-- The login sqlwarden queries with: SELECT on the demo tables, nothing else.
CREATE ROLE sqlwarden_reader LOGIN PASSWORD :'reader_pw'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE sqlwarden_reader SET default_transaction_read_only = on;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO sqlwarden_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO sqlwarden_reader;
-- The governance store: its own login and database, kept apart from the data served.
CREATE ROLE sqlwarden_store LOGIN PASSWORD :'store_pw'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
CREATE DATABASE sqlwarden OWNER sqlwarden_store;
REVOKE CONNECT ON DATABASE :"demo_db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"demo_db" TO sqlwarden_reader;
SQL
