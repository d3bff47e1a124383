import socket
from packet import build, parse

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
server = ('127.0.0.1', 24041)
good = build(1, b'abc')
print('packet:', good.hex(), '| with spaces:', good.hex(' '), '| every 2:', good.hex(':', 2))
print('from hex:', bytes.fromhex('aa 01 00 03 61 62 63 8f'))
corrupted = bytearray(good)
corrupted[4] ^= 0x20
ba = bytearray(b'hello')
ba[0] = ord('J')
print(ba, ba.upper(), ba.find(b'l'), list(ba[1:3]), bytes(ba[::-1]), len(bytearray(3)))
for pkt in [good, bytes(corrupted), build(2, 'ñ'.encode('latin-1') * 2), b'\x55\x00', build(0, b'')]:
    sock.sendto(pkt, server)
    kind, payload = parse(sock.recv(2048))
    print(f'-> {pkt.hex():<20} <- type {kind:#04x} {payload.decode("latin-1")}')
sock.close()
