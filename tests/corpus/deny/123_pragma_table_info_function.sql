-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: Table-valued pragma function pragma_table_info reads schema metadata.
SELECT * FROM pragma_table_info('customers')
