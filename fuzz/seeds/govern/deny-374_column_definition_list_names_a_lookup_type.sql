-- attrs: region=north
-- dialect: postgres
-- expect: deny unsupported_syntax
-- why: a column definition list converts the caller's JSON to each type as a cast would; regclass turns a name into a catalog lookup (whether a hidden table exists), so the list's types are checked as casts are.
SELECT * FROM jsonb_to_record('{"t": "employees"}') AS r(t regclass)
