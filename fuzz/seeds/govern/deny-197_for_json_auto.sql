SELECT id, status FROM orders FOR JSON AUTO
