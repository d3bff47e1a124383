import errno
import select
import socket

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(('127.0.0.1', 24033))
srv.listen(1)
srv.setblocking(False)
print('timeout of a non-blocking socket:', srv.gettimeout(), srv.getblocking())
try:
    srv.accept()
except BlockingIOError as e:
    print('accept:', e, '| EAGAIN?', e.errno == errno.EAGAIN)

cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
cli.setblocking(False)
try:
    cli.connect(('127.0.0.1', 24033))
except BlockingIOError as e:
    print('connect:', e.errno, errno.errorcode[e.errno], e.strerror)
_, writable, _ = select.select([], [cli], [], 5)
print('writable once connected:', writable == [cli], cli.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
readable, _, _ = select.select([srv], [], [], 5)
conn, addr = srv.accept()
print('accepted socket is blocking:', conn.getblocking())
conn.setblocking(False)
try:
    conn.recv(10)
except BlockingIOError as e:
    print('recv with nothing to read:', type(e).__name__, e.errno)
cli.send(b'now there is data')
select.select([conn], [], [], 5)
print('recv:', conn.recv(100))
for s in (conn, cli, srv):
    s.close()
