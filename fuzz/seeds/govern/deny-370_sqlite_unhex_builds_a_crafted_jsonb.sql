-- attrs: region=north
-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: unhex() built the same crafted binary JSON from 241 bytes of SQL (red-team finding); it is not allowed.
SELECT length(json(unhex('EB' || '000186A1' || replace(replace(replace(replace('1B1B1B1B1B1B1B1B1B1B', '1B', '1B1B1B1B1B1B1B1B1B1B'), '1B', '1B1B1B1B1B1B1B1B1B1B'), '1B', '1B1B1B1B1B1B1B1B1B1B'), '1B', '1B1B1B1B1B1B1B1B1B1B') || '0B'))) AS n
