import socket

with socket.create_connection(('127.0.0.1', 24017)) as s:
    acks = 0
    for i in range(10):
        s.sendall(f'message {i}\n'.encode())
        reply = b''
        while not reply.endswith(b'\n'):
            reply += s.recv(16)
        acks += reply.count(b'ack\n')
print('acks received:', acks)
