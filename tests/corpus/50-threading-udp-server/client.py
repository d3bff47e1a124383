import socket
import sys

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.connect(('127.0.0.1', 24050))     # a "connected" UDP socket: send/recv without addresses
print('peer:', sock.getpeername())
for line in sys.stdin:
    sock.send(line.strip().encode())
    print(f'{line.strip():<16} => {sock.recv(1024).decode()}')
sock.close()
