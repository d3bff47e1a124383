import os
import socket

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(('127.0.0.1', 24049))
srv.listen(1)
conn, addr = srv.accept()
f = conn.makefile('rb')
header = f.readline().decode('utf-8').strip()
name, size = header.rsplit('|', 1)
size = int(size)
target = 'uploaded_' + os.path.basename(name)
print(f'receiving {name!r} ({size} bytes) as {target!r}')
remaining = size
with open(target, 'wb') as out:
    while remaining > 0:
        chunk = f.read(min(4096, remaining))
        if not chunk:
            break
        out.write(chunk)
        remaining -= len(chunk)
ok = remaining == 0 and os.path.getsize(target) == size
print('complete' if ok else f'missing {remaining} bytes')
conn.sendall(b'OK %d\n' % size if ok else b'ERR\n')
f.close()
conn.close()
srv.close()
