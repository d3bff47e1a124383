import socket

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(('127.0.0.1', 24002))
server.listen()
conn, addr = server.accept()
print('client from', addr[0])
# a big reply in several pieces: the client cannot know where one send ended
lines = [f'line {i:03d}: ' + 'x' * 60 + '\n' for i in range(200)]
payload = ''.join(lines).encode('ascii')
conn.sendall(payload[:1000])
conn.sendall(payload[1000:5000])
conn.sendall(payload[5000:])
print('sent', len(payload), 'bytes')
conn.close()
server.close()
