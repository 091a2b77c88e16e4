-- role: readonly_admin
-- dialect: any
-- expect: deny statement_kind
-- why: No DELETE for readonly_admin.
DELETE FROM customers WHERE region = 'north'
