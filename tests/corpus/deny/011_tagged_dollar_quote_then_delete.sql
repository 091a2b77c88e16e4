-- dialect: postgres
-- expect: deny multiple_statements
-- why: A tagged dollar quote $tag$ containing $$ and a semicolon, followed by a real separator and a DELETE; a splitter that only knows $$ quoting gets it wrong.
SELECT $tag$ it's $$ nested ; $tag$; DELETE FROM order_lines
