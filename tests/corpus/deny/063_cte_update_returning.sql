-- dialect: postgres
-- expect: deny statement_kind
-- why: Data-modifying CTE with UPDATE ... RETURNING behind an innocent count.
WITH u AS (UPDATE products SET price = 0 RETURNING id) SELECT count(*) FROM u
