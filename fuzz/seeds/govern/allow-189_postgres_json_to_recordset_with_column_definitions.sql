-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: unpacking a JSON document into typed columns (a column definition list) is everyday analytics; over a filtered table it still sees only the role's rows.
SELECT o.id, r.status, r.region FROM orders o, LATERAL jsonb_to_record(jsonb_build_object('status', o.status, 'region', o.region)) AS r(status text, region text) ORDER BY o.id LIMIT 20
