-- dialect: postgres
-- expect: deny function_not_allowed
-- why: dblink_exec runs arbitrary SQL from a string.
SELECT dblink_exec('dbname=postgres', 'DROP TABLE orders')
