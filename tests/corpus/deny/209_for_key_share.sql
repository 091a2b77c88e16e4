-- dialect: postgres
-- expect: deny parse_error
-- why: FOR KEY SHARE takes row locks; sqlparser 0.63 cannot parse it (it would be locking_clause if it parsed).
SELECT * FROM customers FOR KEY SHARE
