VALUES (1, 'north'), (2, 'south'), (3, 'east'), (4, 'west')
