-- dialect: sqlite
-- expect: deny unsupported_syntax
-- why: found by the fuzz property: sqlparser prints a quote after a backslash unescaped, so the printed text would end the alias literal early and run DROP TABLE as a second statement; the print/re-parse round trip refuses it.
SELECT E'\''; DROP TABLE orders; --'
