-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: fts3_tokenizer with a pointer argument is a known memory-corruption primitive.
SELECT fts3_tokenizer('simple', x'4141414141414141')
