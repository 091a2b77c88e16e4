-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: a period's bounds named `from` and `to`, a sort key named `desc`: the database takes any word after AS as an output name, so governance quotes it as the name it read instead of refusing it.
SELECT status AS desc, min(ordered_at) AS from, max(ordered_at) AS to, count(*) AS end FROM orders GROUP BY status ORDER BY 1
