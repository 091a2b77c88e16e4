-- role: readonly_admin
-- dialect: postgres
-- expect: deny table_not_granted
-- why: tables."*" covers the exposed schemas only; system catalogs stay out of reach.
SELECT rolname, rolpassword
FROM pg_authid
