-- dialect: any
-- expect: deny unsupported_syntax
-- why: PIVOT is a vendor construct the parser accepts but the analyzer does not support.
SELECT * FROM orders PIVOT (count(id) FOR status IN ('shipped', 'cancelled')) AS p
