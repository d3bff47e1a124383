import socket
import struct

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(('127.0.0.1', 24025))
srv.listen(1)
conn, _ = srv.accept()
request = conn.recv(1024)
print('request:', request)
# l_onoff=1, l_linger=0: close() drops the connection with a reset instead of FIN
conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
print('linger option:', struct.unpack('ii', conn.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8)))
conn.close()
srv.close()
