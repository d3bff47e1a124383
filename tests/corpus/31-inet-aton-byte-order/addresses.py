import socket
import struct
import sys

print('this machine is', sys.byteorder + '-endian')
for ip in ['127.0.0.1', '192.168.1.10', '10.0.0.255', '255.255.255.255']:
    packed = socket.inet_aton(ip)
    as_int = int.from_bytes(packed, 'big')
    print(f'{ip:>15} -> {packed!r:<22} {packed.hex():>8} {as_int:>10d} {as_int:#010x}')
print(socket.inet_ntoa(b'\x7f\x00\x00\x01'), socket.inet_ntoa(bytes([172, 16, 254, 1])))
print(socket.inet_ntoa((3232235786).to_bytes(4, 'big')))
print(socket.inet_pton(socket.AF_INET, '8.8.4.4'), socket.inet_ntop(socket.AF_INET, b'\x08\x08\x08\x08'))

port = 80
print('htons(80) =', socket.htons(port), hex(socket.htons(port)))
print('ntohs(htons(80)) =', socket.ntohs(socket.htons(port)))
print('htonl(1) =', socket.htonl(1), '| ntohl(16777216) =', socket.ntohl(16777216))
print(struct.pack('!H', port) == port.to_bytes(2, 'big'), struct.pack('<H', port) == port.to_bytes(2, 'little'))
print(int.from_bytes(b'\x00\x50', 'big'), int.from_bytes(b'\x00\x50', 'little'))
print((-2).to_bytes(2, 'big', signed=True).hex(), int.from_bytes(b'\xff\xfe', 'big', signed=True))
for bad in ['256.1.1.1', 'localhost', '1.2.3']:
    try:
        print(bad, '->', socket.inet_aton(bad).hex())
    except OSError as e:
        print(bad, '->', type(e).__name__, e)
try:
    socket.htons(70000)
except OverflowError as e:
    print('OverflowError:', e)
