-- dialect: postgres
-- expect: deny function_not_allowed
-- why: lo_import reads a server file into a large object (and writes).
SELECT lo_import('/etc/passwd')
