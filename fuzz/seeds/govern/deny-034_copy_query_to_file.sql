COPY (SELECT name, email, national_id FROM customers) TO '/tmp/pii.csv' WITH (FORMAT csv)
