import socket

srv = socket.socket()
srv.bind(('127.0.0.1', 24024))
srv.listen(1)
conn, addr = srv.accept()
conn.sendall(b'this server says one thing and leaves\n')
conn.close()
srv.close()
print('server gone')
