-- attrs: region=north
-- dialect: postgres
-- expect: deny function_not_allowed
-- why: text @@ text converts both sides with default_text_search_config, a server setting the role cannot read: whether a stemmed word matches tells its language (red-team finding, the operator form of case 361).
SELECT 'the cats were running' @@ 'run' AS english, name @@ to_tsquery('simple', 'cat') AS b FROM products
