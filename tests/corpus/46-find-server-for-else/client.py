import socket

attempts = 0


def try_port(port):
    global attempts
    attempts += 1
    s = socket.socket()
    s.settimeout(1)
    if s.connect_ex(('127.0.0.1', port)) == 0:
        return s
    s.close()
    return None


for port in (24246, 24146, 24046, 24346):
    sock = try_port(port)
    status = 'found' if sock else 'nothing'
    print(f'port {port}: {status}')
    if sock:
        break
else:
    raise SystemExit('no server found')
assert attempts == 3, attempts
print('attempts:', attempts, '| port in range:', 1024 < port <= 65535, '| 0 < 1 < 2 > 1:', 0 < 1 < 2 > 1)
sock.sendall(','.join(map(str, range(10, 0, -1))).encode())
reply = [int(x) for x in sock.recv(1024).split(b',')]
print('sorted by remainder then value:', reply)
del sock
print('sock' in dir(), 'attempts' in globals())
n = 10
while n > 0:
    n -= 3
    if n == 5:
        break
else:
    print('while ended without break, n =', n)
