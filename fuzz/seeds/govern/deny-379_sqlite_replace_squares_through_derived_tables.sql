-- attrs: region=north
-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: replacing each character of a value by the whole value squares it; two derived-table levels make gigabytes from 200 bytes.
SELECT length(replace(y, 'a', y)) FROM (SELECT replace(x, 'a', x) AS y FROM (SELECT replace('abababababababababababababababababababababababababababababababababababababababababababababababababab', 'b', 'ab') AS x) t) u
