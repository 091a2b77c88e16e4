NOTIFY orders_channel, 'hello'
