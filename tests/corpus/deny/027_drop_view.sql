-- dialect: any
-- expect: deny statement_kind
-- why: DDL: dropping the reporting view.
DROP VIEW monthly_sales
