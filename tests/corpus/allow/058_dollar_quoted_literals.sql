-- dialect: postgres
-- expect: allow
-- why: Dollar-quoted literals containing semicolons, DROP and $$ are plain strings in PostgreSQL.
SELECT $$; DROP TABLE orders; --$$ AS note, $q$it's $$ fine; $q$ AS other
