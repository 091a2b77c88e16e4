SELECT 1 -- note; DROP TABLE orders
