-- dialect: any
-- expect: deny multiple_statements
-- why: The semicolon sits on the line after a -- comment, so a naive filter that drops everything after -- misses the DELETE.
SELECT name FROM customers -- list the customers
; DELETE FROM customers
