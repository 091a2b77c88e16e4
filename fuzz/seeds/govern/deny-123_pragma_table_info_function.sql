SELECT * FROM pragma_table_info('customers')
