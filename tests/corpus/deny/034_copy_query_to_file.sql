-- dialect: postgres
-- expect: deny statement_kind
-- why: COPY (query) TO a server-side file exfiltrates personal data to disk.
COPY (SELECT name, email, national_id FROM customers) TO '/tmp/pii.csv' WITH (FORMAT csv)
