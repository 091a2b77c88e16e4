SELECT count(*) FROM orders GROUP BY current_setting('server_version')
