-- dialect: postgres
-- expect: deny function_not_allowed
-- why: xpath wrapped around query_to_xml to extract values from an arbitrary query string.
SELECT xpath('//passwd/text()', query_to_xml('SELECT passwd FROM pg_shadow', true, true, ''))
