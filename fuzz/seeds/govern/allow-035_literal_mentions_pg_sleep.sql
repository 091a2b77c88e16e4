SELECT 'pg_sleep(10)' AS fn_text, 'SELECT * FROM pg_shadow; DELETE FROM orders' AS sql_text
