-- dialect: any
-- expect: deny statement_kind
-- why: DDL: DROP TABLE.
DROP TABLE customers
