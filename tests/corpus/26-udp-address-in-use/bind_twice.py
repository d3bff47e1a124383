import errno
import socket

PORT = 24026
first = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
first.bind(('127.0.0.1', PORT))
print('first bound to', first.getsockname())

second = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    second.bind(('127.0.0.1', PORT))
except OSError as e:
    print('second bind failed:', e)
    print('EADDRINUSE?', e.errno == errno.EADDRINUSE, errno.errorcode[e.errno])
finally:
    second.close()
first.close()

# with SO_REUSEADDR on both, Linux lets two UDP sockets share the port
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for s in (a, b):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('127.0.0.1', PORT))
print('both bound:', a.getsockname() == b.getsockname())
a.close()
b.close()

# the port is free again once the socket is closed
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.bind(('127.0.0.1', PORT))
print('rebound after close:', c.getsockname()[1] == PORT)
c.close()
bad = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
bad.bind(('127.0.0.1', 24026))
again = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
again.bind(('127.0.0.1', 24026))
