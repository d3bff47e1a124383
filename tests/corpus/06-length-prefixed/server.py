import socket
from framing import send_msg, recv_msg

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(('127.0.0.1', 24006))
srv.listen(1)
conn, addr = srv.accept()
n = 0
while (msg := recv_msg(conn)) is not None:
    n += 1
    text = msg.decode('utf-8')
    print(f'message {n}: {len(msg)} bytes, {len(text)} chars')
    send_msg(conn, text[::-1].encode('utf-8'))
print('client closed after', n, 'messages')
conn.close()
srv.close()
