SELECT U&'caf\00e9' AS word
