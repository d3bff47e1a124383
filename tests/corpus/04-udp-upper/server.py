import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(('127.0.0.1', 24004))
print('UDP server on', sock.getsockname())
count = 0
while True:
    data, addr = sock.recvfrom(1024)
    message = data.decode()
    if message == 'quit':
        sock.sendto(b'bye', addr)
        break
    count += 1
    print('#{} from {}: {!r}'.format(count, addr[0], message))
    sock.sendto(message.upper().encode(), addr)
sock.close()
print('served', count, 'datagrams')
