select Name, Region from CUSTOMERS where Segment = 'smb' order by Name limit 5
