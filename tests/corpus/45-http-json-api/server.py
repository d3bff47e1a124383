import json
import socket

USERS = [{'id': 1, 'name': 'Ada'}, {'id': 2, 'name': 'Linus'}, {'id': 3, 'name': '李雷'}]


def route(path):
    if path == '/api/users':
        return 200, USERS
    if path.startswith('/api/users/'):
        uid = path.rsplit('/', 1)[1]
        found = [u for u in USERS if str(u['id']) == uid]
        if found:
            return 200, found[0]
    return 404, {'error': 'not found', 'path': path}


srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(('127.0.0.1', 24045))
srv.listen(5)
while True:
    conn, _ = srv.accept()
    with conn:
        request = conn.recv(4096).decode('iso-8859-1')
        method, path, version = request.split('\r\n')[0].split()
        status, payload = route(path)
        print(method, path, status)
        body = json.dumps(payload, ensure_ascii=False).encode('utf-8')
        reason = {200: 'OK', 404: 'Not Found'}[status]
        head = (f'HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=utf-8\r\n'
                f'Content-Length: {len(body)}\r\nConnection: close\r\n\r\n')
        conn.sendall(head.encode('ascii') + body)
