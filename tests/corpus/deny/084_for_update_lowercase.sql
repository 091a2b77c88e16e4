-- dialect: postgres
-- expect: deny locking_clause
-- why: Lower-case locking clause after LIMIT.
select id from orders limit 10 for update
