-- dialect: postgres
-- expect: deny multiple_statements
-- why: A U&'' string whose content \0027 decodes to a quote; the literal still ends at the next real quote, so the DROP that follows is a second statement.
SELECT U&'\0027'; DROP TABLE orders; --'
