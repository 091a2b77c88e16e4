-- dialect: postgres
-- expect: deny table_not_granted
-- why: pg_user lists database users.
SELECT usename, usesuper FROM pg_user
