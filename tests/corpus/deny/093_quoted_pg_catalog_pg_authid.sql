-- dialect: postgres
-- expect: deny table_not_granted
-- why: Fully quoted "pg_catalog"."pg_authid".
SELECT * FROM "pg_catalog"."pg_authid"
