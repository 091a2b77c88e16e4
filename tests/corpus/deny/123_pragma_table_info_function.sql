-- dialect: sqlite
-- expect: deny table_not_granted
-- why: Table-valued pragma function pragma_table_info reads schema metadata.
SELECT * FROM pragma_table_info('customers')
