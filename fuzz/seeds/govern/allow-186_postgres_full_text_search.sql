-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: full-text search over the rows the role reads; ranking and headlines are pure functions of them.
SELECT id, name, ts_rank(to_tsvector('english', name), websearch_to_tsquery('english', 'smith OR jones')) AS rank
FROM customers WHERE to_tsvector('english', name) @@ websearch_to_tsquery('english', 'smith OR jones') ORDER BY rank DESC LIMIT 10
