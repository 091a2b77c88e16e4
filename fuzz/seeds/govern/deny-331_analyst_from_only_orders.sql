-- attrs: region=north
-- dialect: postgres
-- expect: deny table_not_granted
-- why: sqlparser reads `FROM ONLY orders` as a table named ONLY aliased orders; it is refused as an unknown table, never run against the real orders without the row filter.
SELECT region, count(*) AS orders
FROM ONLY orders
GROUP BY region
