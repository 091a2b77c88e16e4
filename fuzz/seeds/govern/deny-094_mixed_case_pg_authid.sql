SELECT * FROM Pg_Catalog.Pg_Authid
