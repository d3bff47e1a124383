import socket
from packet import build, parse

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(('127.0.0.1', 24041))
while True:
    pkt, addr = sock.recvfrom(2048)
    try:
        kind, payload = parse(pkt)
    except ValueError as e:
        print('dropped:', e)
        sock.sendto(build(0xFF, str(e).encode()), addr)
        continue
    print(f'type {kind} payload {payload!r}')
    if kind == 0:
        sock.sendto(build(0, b''), addr)
        break
    reply = bytearray(payload)
    reply.reverse()
    reply[0:0] = b'<'
    reply += b'>'
    sock.sendto(build(kind | 0x80, bytes(reply)), addr)
sock.close()
