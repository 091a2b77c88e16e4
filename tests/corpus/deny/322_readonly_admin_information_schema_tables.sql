-- role: readonly_admin
-- dialect: postgres
-- expect: deny table_not_granted
-- why: information_schema is not an exposed schema, even for tables."*".
SELECT table_schema, table_name
FROM information_schema.tables
