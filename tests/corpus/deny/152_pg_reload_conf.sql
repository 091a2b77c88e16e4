-- dialect: postgres
-- expect: deny function_not_allowed
-- why: pg_reload_conf is server administration.
SELECT pg_reload_conf()
