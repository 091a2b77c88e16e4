SELECT usename, passwd FROM pg_shadow
