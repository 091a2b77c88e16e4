-- dialect: postgres
-- expect: deny table_not_granted
-- why: Quoted information_schema relation.
SELECT * FROM "information_schema"."role_table_grants"
