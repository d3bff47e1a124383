import socket

text = ''.join(f'{i},{i * i},{"even" if i % 2 == 0 else "odd"}\n' for i in range(1, 13))
srv = socket.socket()
srv.bind(('127.0.0.1', 24047))
srv.listen()
conn, _ = srv.accept()
data = text.encode()
# deliberately awkward pieces of 7 bytes: lines get cut in the middle
for start in range(0, len(data), 7):
    conn.sendall(data[start:start + 7])
conn.close()
srv.close()
print('sent', len(data), 'bytes in', -(-len(data) // 7), 'pieces')
