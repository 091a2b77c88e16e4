-- dialect: postgres
-- expect: deny statement_kind
-- why: Changing search_path lets attacker-controlled schemas shadow tables and functions for later statements.
SET search_path TO attacker, public
