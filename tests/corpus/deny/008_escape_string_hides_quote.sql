-- dialect: postgres
-- expect: deny multiple_statements
-- why: In a PostgreSQL E'' string \' is an escaped quote, so E'\'' is a one-character string and the DROP is a real second statement that a standard-string splitter would think is inside a literal.
SELECT E'\''; DROP TABLE orders; --'
