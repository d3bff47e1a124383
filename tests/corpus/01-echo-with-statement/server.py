# Echo server program
import socket

HOST = '127.0.0.1'        # Symbolic name meaning the local host
PORT = 24001              # Arbitrary non-privileged port
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.bind((HOST, PORT))
    s.listen(1)
    conn, addr = s.accept()
    with conn:
        print('Connected by', addr)
        while True:
            data = conn.recv(1024)
            if not data:
                break
            conn.sendall(data)
    print('conn closed:', conn.fileno() == -1)
print('server closed:', s.fileno() == -1)
