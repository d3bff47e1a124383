import socket

# two open ports; the scanner must find exactly these
a = socket.create_server(('127.0.0.1', 24123))
b = socket.create_server(('127.0.0.1', 24023))
seen = 0
for s in (b, a):
    conn, _ = s.accept()
    conn.close()
    seen += 1
print('scanned', seen, 'times')
