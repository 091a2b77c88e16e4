-- dialect: postgres
-- expect: deny table_not_granted
-- why: pg_settings leaks server configuration.
SELECT name, setting FROM pg_settings
