SELECT rolname, rolpassword FROM pg_catalog.pg_authid
