SELECT count(*) /* outer /* inner ; DROP TABLE orders; */ still inside ; DELETE FROM orders */ AS n
FROM orders
