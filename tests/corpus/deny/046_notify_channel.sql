-- dialect: postgres
-- expect: deny statement_kind
-- why: NOTIFY sends data to other sessions listening on a channel (side channel).
NOTIFY orders_channel, 'hello'
