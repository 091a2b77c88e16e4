-- attrs: region=north
-- dialect: postgres
-- expect: deny function_not_allowed
-- why: `$.**` yields every level of a jsonb, and the _array form copies each level with all below it: quadratic in the nesting (depth 2,000 took 478 MB, this depth 4,000 about 2 GB).
SELECT jsonb_path_query_array((repeat('[[[[[[[[[[', 100) || repeat('[[[[[[[[[[', 100) || repeat('[[[[[[[[[[', 100) || repeat('[[[[[[[[[[', 100) || '1' || repeat(']]]]]]]]]]', 100) || repeat(']]]]]]]]]]', 100) || repeat(']]]]]]]]]]', 100) || repeat(']]]]]]]]]]', 100))::jsonb, '$.**')
