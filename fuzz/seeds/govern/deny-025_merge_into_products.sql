MERGE INTO products p
USING (VALUES (1, 0.01)) AS v (id, price) ON p.id = v.id
WHEN MATCHED THEN UPDATE SET price = v.price
