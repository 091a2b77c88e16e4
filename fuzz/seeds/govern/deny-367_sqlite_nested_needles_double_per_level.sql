-- attrs: region=north
-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: each needle guard copies its needle, so needles built by guarded searches doubled per level: 20 levels in 400 bytes took gigabytes of memory to govern and aborted the server (red-team finding).
SELECT replace('a', replace('a', replace('a', replace('a', replace('a', replace('a', replace('a', replace('a', replace('a', replace('a', replace('a', replace('a', replace('a', replace('a', replace('a', replace('a', replace('a', replace('a', replace('a', replace('a', 'b', 'x'), 'x'), 'x'), 'x'), 'x'), 'x'), 'x'), 'x'), 'x'), 'x'), 'x'), 'x'), 'x'), 'x'), 'x'), 'x'), 'x'), 'x'), 'x'), 'x') AS r
