-- dialect: postgres
-- expect: allow
-- why: A harmless U&'' literal (caf\00e9) is a plain string.
SELECT U&'caf\00e9' AS word
