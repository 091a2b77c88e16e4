-- role: analyst
-- dialect: any
-- expect: deny attribute_missing
-- why: The analyst row filter needs attr('region'); without it the filtered orders table cannot be read.
SELECT count(*) AS orders
FROM orders
