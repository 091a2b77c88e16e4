SELECT 1 AS "x"";"; DROP TABLE orders
