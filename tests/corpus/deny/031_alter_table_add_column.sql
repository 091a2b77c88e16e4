-- dialect: any
-- expect: deny statement_kind
-- why: DDL: ALTER TABLE.
ALTER TABLE customers ADD COLUMN pwned integer
