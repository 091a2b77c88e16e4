-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Denied function in GROUP BY.
SELECT count(*) FROM orders GROUP BY current_setting('server_version')
