-- role: readonly_admin
-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: load_extension is never allowed.
SELECT load_extension('/tmp/evil.so')
