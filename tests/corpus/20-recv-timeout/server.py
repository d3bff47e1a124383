import socket

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(('127.0.0.1', 24020))
srv.listen(1)
conn, _ = srv.accept()
# say nothing until the client speaks first
question = conn.recv(1024)
print('client asked:', question)
conn.sendall(b'yes, still here')
conn.close()
srv.close()
