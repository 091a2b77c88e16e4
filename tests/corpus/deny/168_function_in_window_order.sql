-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Denied function inside the OVER (ORDER BY ...) of an allowed window function.
SELECT row_number() OVER (ORDER BY current_setting('data_directory')) FROM orders
