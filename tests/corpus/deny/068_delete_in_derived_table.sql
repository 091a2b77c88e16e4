-- dialect: postgres
-- expect: deny statement_kind
-- why: A DELETE ... RETURNING written as a derived table in FROM; the parser accepts it as a query body, the analyzer must still see a DELETE.
SELECT count(*) FROM (DELETE FROM orders RETURNING id) AS d
