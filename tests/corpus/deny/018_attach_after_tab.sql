-- dialect: sqlite
-- expect: deny multiple_statements
-- why: A SQLite ATTACH of an attacker-chosen file stacked after a SELECT with only a tab as separator.
SELECT 1;	ATTACH DATABASE '/tmp/exfil.db' AS exfil
