-- attrs: region=north
-- dialect: postgres
-- expect: deny unsupported_syntax
-- why: sqlparser reads `FROM ONLY orders` as a table named ONLY aliased orders; a bare reserved word used as a name is refused, so the real orders is never read without its row filter.
SELECT region, count(*) AS orders
FROM ONLY orders
GROUP BY region
