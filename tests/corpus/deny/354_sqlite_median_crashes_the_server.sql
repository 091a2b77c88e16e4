-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: The percentile extension's sort recursed as deep as there were values on a "V" of 200,001 values, overflowing a worker thread's stack: the whole server aborted.
WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM s WHERE i < 200000)
SELECT median(CASE WHEN i < 100000 THEN -i ELSE -(200001-i) END) FROM s
