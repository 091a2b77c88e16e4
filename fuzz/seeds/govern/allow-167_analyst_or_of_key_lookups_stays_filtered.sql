-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: A WHERE that is one OR of key lookups, moved inside the row filter's fence, must stay under the filter: (filter) AND (a OR b), never (filter) AND a OR b.
SELECT id, name, region FROM customers WHERE id = 1 OR id = 2 OR id = 3 OR id = 4 OR id = 5 ORDER BY id
