-- dialect: postgres
-- expect: deny parse_error
-- why: U&"pg\005fshadow" is pg_shadow in PostgreSQL; sqlparser 0.63 has no U&"" identifiers and fails to parse (it would be table_not_granted if it parsed).
SELECT * FROM U&"pg\005fshadow"
