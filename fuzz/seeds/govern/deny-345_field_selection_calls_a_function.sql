-- attrs: region=north
-- dialect: postgres
-- expect: deny unsupported_syntax
-- why: PostgreSQL reads (x).f as the call f(x): ts_stat runs any SQL text, pg_sleep sleeps, current_setting reads settings, none of them allowed.
SELECT ((('select array_to_tsvector(array[c::text]) from public.customers c')::text).ts_stat)::text AS leaked
