-- dialect: any
-- expect: deny statement_kind
-- why: UPDATE that zeroes product prices; data modification is never allowed.
UPDATE products SET price = 0.01 WHERE category = 'Electronics'
