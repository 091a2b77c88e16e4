-- dialect: any
-- expect: deny multiple_statements
-- why: A string literal with an embedded doubled quote and semicolon confuses naive splitters; after the literal closes a real DELETE follows.
SELECT 'it''s; fine' AS note; DELETE FROM orders
