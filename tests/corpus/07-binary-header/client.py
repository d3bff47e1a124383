import socket
import struct

HEADER = '!BBHI'
s = socket.socket()
s.connect(('127.0.0.1', 24007))
frames = [(1, b'client-1'), (2, b'\x00\x01\x02\xff'), (2, '温度'.encode()), (3, b'')]
for seq, (kind, body) in enumerate(frames, start=100):
    packet = struct.pack(HEADER, 1, kind, seq, len(body)) + body
    print('send', packet.hex(' '))
    s.sendall(packet)
    ack = s.recv(struct.calcsize(HEADER))
    version, kind, seq, length = struct.unpack(HEADER, ack)
    print(f'  ack {ack.hex()} -> version={version} kind={kind:#04x} seq={seq} len={length}')
s.close()
