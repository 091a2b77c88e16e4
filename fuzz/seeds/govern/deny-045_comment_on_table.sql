COMMENT ON TABLE customers IS 'pwned'
