-- dialect: postgres
-- expect: deny function_not_allowed
-- why: set_config switches off the read-only transaction setting from inside a SELECT.
SELECT set_config('default_transaction_read_only', 'off', false)
