import socket

name = input()
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.connect(('127.0.0.1', 24011))
for i in range(3):
    msg = f'{name}{i}:' + name.lower() * (i + 1)
    sock.sendall(msg.encode())
    echo = sock.recv(1024).decode()
    print('echo', echo, 'ok' if echo == msg else 'MISMATCH')
sock.close()
