-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: readfile (fileio extension) reads arbitrary files.
SELECT readfile('/etc/passwd')
