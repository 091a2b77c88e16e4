-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: load_extension loads a shared library into the process (code execution).
SELECT load_extension('/tmp/evil.so')
