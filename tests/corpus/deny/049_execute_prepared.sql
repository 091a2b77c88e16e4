-- dialect: postgres
-- expect: deny statement_kind
-- why: EXECUTE runs a previously prepared statement whose text is not visible to the analyzer.
EXECUTE p
