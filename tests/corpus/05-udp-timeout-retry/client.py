import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(0.5)
print('timeout is', sock.gettimeout())
for attempt in range(1, 6):
    sock.sendto(f'PING {attempt}'.encode(), ('127.0.0.1', 24005))
    try:
        data, server = sock.recvfrom(512)
    except socket.timeout as e:
        print(f'attempt {attempt}: {e} ({type(e).__name__})')
        continue
    print(f'attempt {attempt}: got {data.decode()}')
    break
else:
    print('server is down')
print('socket.timeout is TimeoutError:', socket.timeout is TimeoutError)
sock.close()
