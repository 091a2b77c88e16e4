-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: A VALUES list joined as a lookup table, with LIMIT ALL and OFFSET.
SELECT v.status, v.label, count(o.id) AS n
FROM (VALUES ('delivered', 'Done'), ('pending', 'Waiting'), ('shipped', 'On the way')) AS v(status, label)
LEFT JOIN orders o ON o.status = v.status
GROUP BY v.status, v.label
ORDER BY n DESC
LIMIT ALL OFFSET 0
