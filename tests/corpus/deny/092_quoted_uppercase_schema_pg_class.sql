-- dialect: postgres
-- expect: deny table_not_granted
-- why: Quoted "PG_CATALOG" is case-sensitive; whatever it resolves to, it is not a granted relation.
SELECT * FROM "PG_CATALOG"."pg_class"
