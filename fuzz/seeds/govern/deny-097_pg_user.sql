SELECT usename, usesuper FROM pg_user
