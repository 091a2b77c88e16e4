-- dialect: postgres
-- expect: deny parse_error
-- why: An unterminated $body$ dollar quote: the text does not tokenize, so it must be refused rather than guessed at.
SELECT $body$ ; DROP TABLE orders;
