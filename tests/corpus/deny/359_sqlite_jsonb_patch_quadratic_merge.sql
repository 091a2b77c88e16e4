-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: jsonb_patch is json_patch over binary JSON: the same merge, quadratic in the two objects' keys, in one uninterruptible call.
SELECT jsonb_patch(jsonb('{"a":0}'), '{"b":0}')
