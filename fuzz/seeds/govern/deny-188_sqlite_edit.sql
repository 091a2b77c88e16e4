SELECT edit('x', 'vi')
