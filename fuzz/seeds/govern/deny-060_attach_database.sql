ATTACH DATABASE '/tmp/exfil.db' AS exfil
