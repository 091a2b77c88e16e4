-- dialect: postgres
-- expect: deny table_not_granted
-- why: Schema-qualified pg_catalog.pg_authid (role password hashes).
SELECT rolname, rolpassword FROM pg_catalog.pg_authid
