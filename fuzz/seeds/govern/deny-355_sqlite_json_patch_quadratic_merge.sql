SELECT length(json_patch('{"a":0}', '{"b":0}'))
