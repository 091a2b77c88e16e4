-- role: readonly_admin
-- dialect: postgres
-- expect: allow
-- why: Set-returning splitters in the select list (as unnest is) and timezone(), the function form of AT TIME ZONE.
SELECT p.id, regexp_split_to_table(p.name, '\s+') AS word, string_to_table(p.sku, '-') AS part,
       timezone('America/New_York', timestamp '2025-03-01 12:00') AS ny
FROM products p
ORDER BY p.id, word, part
LIMIT 10
