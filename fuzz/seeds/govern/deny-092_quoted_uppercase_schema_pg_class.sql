SELECT * FROM "PG_CATALOG"."pg_class"
