import socket

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('127.0.0.1', 24025))
s.sendall(b'GET /crash')
try:
    data = s.recv(1024)
    print('received', data)
except ConnectionResetError as e:
    print('ConnectionResetError:', e)
    print('errno', e.errno, '| strerror', repr(e.strerror))
except ConnectionError as e:
    print('other connection error:', type(e).__name__)
try:
    print('next recv:', s.recv(1024))
except OSError as e:
    print('next recv raised', type(e).__name__)
s.close()
