-- dialect: any
-- expect: allow
-- why: One statement, a trailing semicolon and a trailing line comment: still a single statement.
SELECT count(*) FROM products; -- that's all
