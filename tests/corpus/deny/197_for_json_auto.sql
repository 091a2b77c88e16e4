-- dialect: any
-- expect: deny unsupported_syntax
-- why: SQL Server FOR JSON is parsed as a FOR clause but is not supported.
SELECT id, status FROM orders FOR JSON AUTO
