import socket
import struct

HEADER = '!BBHI'   # version, type, sequence number, body length
TYPES = {1: 'HELLO', 2: 'DATA', 3: 'BYE'}

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(('127.0.0.1', 24007))
srv.listen(1)
conn, _ = srv.accept()
f = conn.makefile('rb')
size = struct.calcsize(HEADER)
print('header is', size, 'bytes')
while True:
    head = f.read(size)
    if len(head) < size:
        break
    version, kind, seq, length = struct.unpack(HEADER, head)
    body = f.read(length)
    print('v%d %-5s seq=%d len=%d body=%r' % (version, TYPES.get(kind, '?'), seq, length, body))
    ack = struct.pack(HEADER, version, 0x80 | kind, seq, 0)
    conn.sendall(ack)
    if kind == 3:
        break
f.close()
conn.close()
srv.close()
