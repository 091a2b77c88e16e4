SELECT * FROM orders LIMIT (SELECT count(*) FROM pg_ls_dir('.'))
