-- dialect: postgres
-- expect: deny statement_kind
-- why: CREATE FUNCTION with a PL/pgSQL body would plant code that later runs arbitrary SQL.
CREATE FUNCTION steal() RETURNS void LANGUAGE plpgsql AS $$ BEGIN DELETE FROM orders; END $$
