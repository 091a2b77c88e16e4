-- dialect: any
-- expect: deny statement_kind
-- why: CREATE TABLE ... AS SELECT copies personal data into a new table.
CREATE TABLE leak AS SELECT name, email, national_id FROM customers
