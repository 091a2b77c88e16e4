SELECT jsonb_patch(jsonb('{"a":0}'), '{"b":0}')
