-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Denied function in a LIMIT expression.
SELECT * FROM orders LIMIT (SELECT count(*) FROM pg_ls_dir('.'))
