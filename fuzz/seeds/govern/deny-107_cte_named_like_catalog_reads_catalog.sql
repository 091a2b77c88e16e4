WITH pg_authid AS (SELECT * FROM pg_authid) SELECT * FROM pg_authid
