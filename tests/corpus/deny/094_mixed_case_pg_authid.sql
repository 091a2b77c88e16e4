-- dialect: postgres
-- expect: deny table_not_granted
-- why: Mixed-case unquoted catalog names.
SELECT * FROM Pg_Catalog.Pg_Authid
