-- dialect: any
-- expect: allow
-- why: Unquoted mixed-case identifiers fold to the real lower-case names in both databases.
select Name, Region from CUSTOMERS where Segment = 'smb' order by Name limit 5
