-- dialect: sqlite
-- expect: deny statement_kind
-- why: ATTACH opens (or creates) an arbitrary file as a database: file read/write outside the demo database.
ATTACH DATABASE '/tmp/exfil.db' AS exfil
