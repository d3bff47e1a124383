import socket
import struct
from framing import send_msg, recv_msg

print('header size:', struct.calcsize('!I'))
print('header for 300:', struct.pack('!I', 300))
print('little-endian would be:', struct.pack('<I', 300))
sock = socket.create_connection(('127.0.0.1', 24006))
messages = ['hello', '', 'stressed', '网络编程', 'x' * 10000]
# send them all at once: the receiver must still split them correctly
for m in messages:
    send_msg(sock, m.encode('utf-8'))
for m in messages:
    reply = recv_msg(sock).decode('utf-8')
    shown = reply if len(reply) < 20 else reply[:10] + '...'
    print(f'{m[:10]!r:>14} -> {shown!r}')
sock.close()
