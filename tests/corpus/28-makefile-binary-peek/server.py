import socket
import struct

srv = socket.socket()
srv.bind(('127.0.0.1', 24028))
srv.listen()
conn, _ = srv.accept()
out = conn.makefile('wb')
out.write(b'IMG1')
image = bytes(range(0, 256, 5))
out.write(struct.pack('>H', len(image)))
out.write(image)
out.write(b'TXT1' + struct.pack('>H', 5) + b'hello')
out.flush()
out.close()
conn.close()
srv.close()
print('sent', 2 * 6 + len(image) + 5, 'bytes')
