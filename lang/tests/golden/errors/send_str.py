import socket
s = socket.socket()
s.send('hello')
