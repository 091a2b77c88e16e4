-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: String literals that mention hidden column names are data, not references.
SELECT 'email' AS label, count(*) AS n
FROM customers
WHERE name LIKE '%national_id%' OR city <> 'birth_date'
