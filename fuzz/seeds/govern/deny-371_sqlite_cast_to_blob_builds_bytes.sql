-- attrs: region=north
-- dialect: sqlite
-- expect: deny unsupported_syntax
-- why: a cast to BLOB turns built text into bytes of the caller's choosing, which SQLite's JSON functions read as binary JSON; only length(CAST(x AS BLOB)) is allowed.
SELECT json(CAST(replace(replace('xx', 'x', char(27) || char(27)), 'x', char(27)) AS BLOB)) AS j
