SELECT 'it''s; fine' AS note; DELETE FROM orders
