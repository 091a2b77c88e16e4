-- dialect: postgres
-- expect: deny function_not_allowed
-- why: without a configuration, to_tsvector reads default_text_search_config, a server setting the role cannot read with current_setting (red-team finding).
SELECT to_tsvector('Häuser der Katzen')
