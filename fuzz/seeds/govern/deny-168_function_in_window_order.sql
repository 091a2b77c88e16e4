SELECT row_number() OVER (ORDER BY current_setting('data_directory')) FROM orders
