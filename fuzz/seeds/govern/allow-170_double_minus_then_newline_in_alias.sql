-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: A double minus must not print as -- (a comment to the database, after which a newline in a quoted alias starts SQL of the caller's choosing); it prints as -(-1), and the alias stays an alias.
SELECT - -1 AS "a
title, name FROM employees WHERE id % 3 = 0 LIMIT 3 --" FROM orders ORDER BY 1 LIMIT 2
