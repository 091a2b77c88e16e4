-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A VALUES CTE joined on the first letter of the hidden e-mail.
WITH v (x) AS (VALUES ('a'), ('b'), ('c'))
SELECT v.x, count(*) AS n
FROM v
JOIN customers c ON substr(c.email, 1, 1) = v.x
GROUP BY v.x
