import socket
import struct

s = socket.create_connection(('127.0.0.1', 24028))
peek = s.recv(4, socket.MSG_PEEK)
print('peeked magic:', peek)
f = s.makefile('rb')
print('file mode:', f.mode)
while True:
    magic = f.read(4)
    if not magic:
        break
    (size,) = struct.unpack('>H', f.read(2))
    body = f.read(size)
    print(magic.decode(), size, 'bytes:', body[:8], '...' if size > 8 else '', 'sum =', sum(body))
print('read at end:', f.read())
f.close()
s.close()
