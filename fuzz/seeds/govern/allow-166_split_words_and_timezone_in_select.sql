SELECT p.id, regexp_split_to_table(p.name, '\s+') AS word, string_to_table(p.sku, '-') AS part,
       timezone('America/New_York', timestamp '2025-03-01 12:00') AS ny
FROM products p
ORDER BY p.id, word, part
LIMIT 10
