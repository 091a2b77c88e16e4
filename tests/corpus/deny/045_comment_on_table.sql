-- dialect: postgres
-- expect: deny statement_kind
-- why: COMMENT ON is DDL that modifies catalog metadata.
COMMENT ON TABLE customers IS 'pwned'
