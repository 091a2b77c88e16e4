-- dialect: postgres
-- expect: deny function_not_allowed
-- why: current_setting leaks server configuration.
SELECT current_setting('data_directory')
