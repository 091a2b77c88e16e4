-- role: readonly_admin
-- dialect: postgres
-- expect: deny function_not_allowed
-- why: set_config cannot switch the session to read-write, whatever the role.
SELECT set_config('default_transaction_read_only', 'off', false)
