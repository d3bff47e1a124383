import socket
import struct

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', 0))
srv.listen()
c = socket.create_connection(srv.getsockname())
conn, _ = srv.accept()
c.sendall(b'hi')
print(conn.recv(10))
conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
print(struct.unpack('ii', conn.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8)))
conn.close()
try:
    print(c.recv(100))
except ConnectionResetError as e:
    print('reset:', e, e.errno)
print('after:', c.recv(100))
try:
    c.sendall(b'x')
except OSError as e:
    print(type(e).__name__, e.errno)

# l_onoff=0: an ordinary close, the peer reads the data then EOF.
a = socket.create_connection(srv.getsockname())
b, _ = srv.accept()
b.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 0, 0))
b.sendall(b'kept')
b.close()
print(a.recv(100), a.recv(100))
a.close()
c.close()
srv.close()
