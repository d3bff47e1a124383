import socket
with socket.socket() as s:
    s.connect(('127.0.0.1', 1))
