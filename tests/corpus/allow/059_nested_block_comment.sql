-- dialect: postgres
-- expect: allow
-- why: PostgreSQL block comments nest, so the whole /* ... /* ... */ ... */ including the semicolons and DELETE is one comment.
SELECT count(*) /* outer /* inner ; DROP TABLE orders; */ still inside ; DELETE FROM orders */ AS n
FROM orders
