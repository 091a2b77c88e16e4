-- dialect: postgres
-- expect: deny parse_error
-- why: A DO block runs anonymous PL/pgSQL; sqlparser 0.63 has no DO statement, so it fails to parse (it would be statement_kind if it parsed).
DO $$ BEGIN EXECUTE 'DROP TABLE orders'; END $$
