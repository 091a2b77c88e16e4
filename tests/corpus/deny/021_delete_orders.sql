-- dialect: any
-- expect: deny statement_kind
-- why: DELETE of order history.
DELETE FROM orders WHERE status = 'cancelled'
