SELECT "name", "category", "price"
FROM "products"
WHERE "active" = TRUE
ORDER BY "price" DESC
LIMIT 5
