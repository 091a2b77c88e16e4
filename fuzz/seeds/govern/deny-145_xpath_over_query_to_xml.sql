SELECT xpath('//passwd/text()', query_to_xml('SELECT passwd FROM pg_shadow', true, true, ''))
