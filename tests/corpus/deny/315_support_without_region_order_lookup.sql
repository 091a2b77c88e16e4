-- role: support
-- dialect: any
-- expect: deny attribute_missing
-- why: Support without a region attribute may not read orders.
SELECT id, status
FROM orders
WHERE customer_id = 7
