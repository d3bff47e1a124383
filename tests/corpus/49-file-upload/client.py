import os
import socket

path = 'notes.txt'
size = os.path.getsize(path)
print('exists:', os.path.exists(path), '| size:', size)
with socket.create_connection(('127.0.0.1', 24049)) as s:
    s.sendall(f'{path}|{size}\n'.encode('utf-8'))
    with open(path, 'rb') as f:
        while block := f.read(1000):
            s.sendall(block)
    reply = s.recv(100)
print('server replied', reply)
