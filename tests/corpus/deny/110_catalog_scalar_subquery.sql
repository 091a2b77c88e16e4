-- dialect: postgres
-- expect: deny table_not_granted
-- why: Catalog access in a scalar subquery in the select list.
SELECT (SELECT passwd FROM pg_shadow LIMIT 1) AS p
