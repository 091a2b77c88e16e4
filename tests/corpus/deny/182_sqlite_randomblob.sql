-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: randomblob of a huge size exhausts memory.
SELECT length(randomblob(1000000000))
