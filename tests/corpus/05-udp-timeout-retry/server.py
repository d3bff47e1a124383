import socket

# This server "loses" the first two datagrams on purpose, like a bad network.
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(('127.0.0.1', 24005))
for n in range(1, 4):
    data, addr = sock.recvfrom(512)
    if n < 3:
        print(f'dropping datagram {n}: {data!r}')
        continue
    print(f'answering datagram {n}: {data!r}')
    sock.sendto(b'PONG ' + data, addr)
sock.close()
