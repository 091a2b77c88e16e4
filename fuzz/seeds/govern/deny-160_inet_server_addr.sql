SELECT inet_server_addr()
