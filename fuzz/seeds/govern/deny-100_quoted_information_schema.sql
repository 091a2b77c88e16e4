SELECT * FROM "information_schema"."role_table_grants"
