-- dialect: postgres
-- expect: deny function_not_allowed
-- why: pg_ls_dir lists server directories.
SELECT * FROM pg_ls_dir('.')
