-- dialect: any
-- expect: allow
-- why: Literals that mention pg_sleep(10), pg_shadow and DELETE are plain text, not function calls or table references.
SELECT 'pg_sleep(10)' AS fn_text, 'SELECT * FROM pg_shadow; DELETE FROM orders' AS sql_text
