import socket
import sys

srv = socket.socket()
srv.bind(('127.0.0.1', 24037))
srv.listen()
conn, _ = srv.accept()
request = conn.recv(100).decode()
status = {'health': 'OK', 'disk': 'WARN 91%', 'db': 'DOWN'}
lines = [f'{k}={v}' for k, v in status.items()]
conn.sendall('\n'.join(lines).encode())
conn.close()
srv.close()
sys.stdout.write(f'answered {request!r} with {len(lines)} lines\n')
sys.exit(0)
