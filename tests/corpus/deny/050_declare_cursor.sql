-- dialect: postgres
-- expect: deny statement_kind
-- why: DECLARE CURSOR keeps server-side state across requests.
DECLARE c CURSOR FOR SELECT * FROM customers
