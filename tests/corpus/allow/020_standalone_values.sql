-- dialect: any
-- expect: allow
-- why: A bare VALUES list is a query.
VALUES (1, 'north'), (2, 'south'), (3, 'east'), (4, 'west')
