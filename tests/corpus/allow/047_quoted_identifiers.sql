-- dialect: any
-- expect: allow
-- why: Double-quoted lower-case identifiers name the granted tables and columns exactly.
SELECT "name", "category", "price"
FROM "products"
WHERE "active" = TRUE
ORDER BY "price" DESC
LIMIT 5
