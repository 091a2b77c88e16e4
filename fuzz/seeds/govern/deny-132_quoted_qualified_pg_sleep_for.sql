SELECT "pg_catalog"."pg_sleep_for"('1 hour')
