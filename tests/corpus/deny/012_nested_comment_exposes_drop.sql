-- dialect: postgres
-- expect: deny multiple_statements
-- why: PostgreSQL block comments nest: /* /* */ -- */ is one comment, so the DROP after it is live, while a non-nesting lexer thinks the rest of the line is a -- comment.
SELECT 1 /* /* */ -- */ ; DROP TABLE orders
