-- attrs: region=north
-- dialect: sqlite
-- expect: allow
-- why: instr, replace and trim over columns pass; their needles are guarded against quadratic searches, which changes no ordinary answer.
SELECT id, instr(name, substr(name, 2, 3)) AS pos, replace(city, substr(city, 1, 1), '*') AS masked,
       trim(segment, substr(segment, 1, 1)) AS trimmed
FROM customers ORDER BY id LIMIT 10
