-- dialect: postgres
-- expect: deny statement_kind
-- why: TRUNCATE wipes a table without row-level DELETE.
TRUNCATE order_lines
