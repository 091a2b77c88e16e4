-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: edit() launches an external editor process.
SELECT edit('x', 'vi')
