-- dialect: postgres
-- expect: deny function_not_allowed
-- why: txid_current assigns a transaction id (a write).
SELECT txid_current()
