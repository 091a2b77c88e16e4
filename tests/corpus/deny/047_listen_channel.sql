-- dialect: postgres
-- expect: deny statement_kind
-- why: LISTEN subscribes the pooled connection to notifications.
LISTEN orders_channel
