SELECT to_tsvector('Häuser der Katzen')
