-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Quoted, schema-qualified pg_sleep_for.
SELECT "pg_catalog"."pg_sleep_for"('1 hour')
