-- dialect: any
-- expect: deny unsupported_syntax
-- why: SQL Server table hints WITH (NOLOCK) are not supported.
SELECT * FROM orders WITH (NOLOCK)
