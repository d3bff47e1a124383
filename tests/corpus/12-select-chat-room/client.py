import socket

name = input()
sock = socket.create_connection(('127.0.0.1', 24012))
inbox = sock.makefile('r', encoding='utf-8')
print(inbox.readline().strip())
sock.sendall(f'{name}\nhello from {name}\n'.encode())
print('heard:', inbox.readline().strip())
inbox.close()
sock.close()
