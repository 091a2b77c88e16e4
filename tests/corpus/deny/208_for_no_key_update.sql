-- dialect: postgres
-- expect: deny parse_error
-- why: FOR NO KEY UPDATE takes row locks; sqlparser 0.63 only parses FOR UPDATE/FOR SHARE, so this fails to parse (it would be locking_clause if it parsed).
SELECT * FROM orders WHERE id = 1 FOR NO KEY UPDATE
