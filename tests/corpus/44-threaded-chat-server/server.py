import socket
import threading

clients = {}
lock = threading.Lock()


def serve(conn):
    f = conn.makefile('r', encoding='utf-8')
    nick = f.readline().strip()
    with lock:
        clients[conn] = nick
        print(f'{nick} joined')
    conn.sendall(f'hello {nick}\n'.encode())
    for line in f:
        text = line.strip()
        print(f'{nick}: {text}')
        conn.sendall(f'you said {text!r} ({len(text)} chars)\n'.encode())
    with lock:
        del clients[conn]
        print(f'{nick} left')
    f.close()
    conn.close()


server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(('127.0.0.1', 24044))
server.listen(10)
print('chat server ready')
while True:
    conn, addr = server.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
