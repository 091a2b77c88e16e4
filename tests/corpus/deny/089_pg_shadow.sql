-- dialect: postgres
-- expect: deny table_not_granted
-- why: pg_shadow holds password hashes.
SELECT usename, passwd FROM pg_shadow
