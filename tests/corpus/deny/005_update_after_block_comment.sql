-- dialect: any
-- expect: deny multiple_statements
-- why: A block comment placed before the separator to make the text look like one statement; the UPDATE still runs as a second statement.
SELECT 1 /* harmless; really */ ; UPDATE products SET price = 0
