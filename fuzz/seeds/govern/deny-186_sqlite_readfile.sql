SELECT readfile('/etc/passwd')
