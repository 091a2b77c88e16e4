SELECT * FROM sqlite_sequence
