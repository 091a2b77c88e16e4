-- dialect: any
-- expect: allow
-- why: A block comment with semicolons in the middle of the select list is not a statement separator.
SELECT 1 AS one /* ; DROP TABLE orders ; */, 2 AS two
