SELECT count(*) FROM customers WHERE segment = 'smb⁧ -- admin only⁩'
