SELECT table_to_xml('customers', true, false, '')
