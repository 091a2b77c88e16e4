-- role: readonly_admin
-- dialect: any
-- expect: deny statement_kind
-- why: readonly_admin sees every column but is still read-only.
UPDATE employees SET salary = salary * 2
