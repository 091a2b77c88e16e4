-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: json_patch merges in time quadratic in the two objects' keys, in one call the statement timeout cannot interrupt (ran 11 s past a 5 s timeout at 32,768 keys each).
SELECT length(json_patch('{"a":0}', '{"b":0}'))
