import socket

s = socket.socket()
s.bind(('localhost', 24030))
s.listen()
c, a = s.accept()
print('bound to', s.getsockname(), 'client host', a[0])
c.sendall(b'hello via ' + a[0].encode())
c.close()
s.close()
