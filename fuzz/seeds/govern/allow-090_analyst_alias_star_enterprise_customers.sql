-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: c.* expands to the visible columns only.
SELECT c.*
FROM customers c
WHERE c.segment = 'enterprise'
