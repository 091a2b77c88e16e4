-- dialect: postgres
-- expect: deny function_not_allowed
-- why: setval resets a sequence (a write).
SELECT setval('orders_id_seq', 1)
