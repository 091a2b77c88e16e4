-- dialect: postgres
-- expect: deny multiple_statements
-- why: PostgreSQL ends a -- comment at a bare carriage return (U+000D, present in this file before the semicolon), so the DROP after it is a live second statement that a \n-only lexer would hide.
SELECT 1 -- note; DROP TABLE orders
