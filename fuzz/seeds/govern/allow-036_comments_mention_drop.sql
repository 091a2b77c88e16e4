/* DROP TABLE orders; DELETE FROM customers; */
SELECT count(*) AS orders -- ; TRUNCATE order_lines
FROM orders
