-- dialect: any
-- expect: deny multiple_statements
-- why: Semicolons and an escaped double quote inside a quoted identifier are not separators, but the one after it is, so the DROP is a second statement.
SELECT 1 AS "x"";"; DROP TABLE orders
