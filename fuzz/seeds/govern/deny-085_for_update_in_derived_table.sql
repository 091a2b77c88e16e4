SELECT count(*) FROM (SELECT id FROM orders FOR UPDATE) s
