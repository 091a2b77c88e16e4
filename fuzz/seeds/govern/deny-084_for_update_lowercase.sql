select id from orders limit 10 for update
