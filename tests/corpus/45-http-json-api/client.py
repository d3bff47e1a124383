import json
import socket


def get(path):
    with socket.create_connection(('127.0.0.1', 24045)) as s:
        s.sendall(f'GET {path} HTTP/1.1\r\nHost: 127.0.0.1:24045\r\nConnection: close\r\n\r\n'.encode())
        raw = b''
        while True:
            chunk = s.recv(512)
            if not chunk:
                break
            raw += chunk
    head, body = raw.split(b'\r\n\r\n', 1)
    status_line, *lines = head.decode().split('\r\n')
    headers = {k.lower(): v for k, v in (l.split(': ', 1) for l in lines)}
    code = int(status_line.split()[1])
    return code, headers, json.loads(body)


for path in ['/api/users', '/api/users/3', '/api/users/9', '/nothing']:
    code, headers, data = get(path)
    print(path, code, headers['content-type'], headers['content-length'])
    print('   ', data)
code, _, users = get('/api/users')
print(', '.join(u['name'] for u in sorted(users, key=lambda u: u['name'])))
