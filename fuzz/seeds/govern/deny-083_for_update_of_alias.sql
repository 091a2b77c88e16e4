SELECT o.* FROM orders o JOIN customers c ON c.id = o.customer_id FOR UPDATE OF o SKIP LOCKED
