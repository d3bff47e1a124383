import socket
import threading

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 23456))
server.listen(5)
print(server.getsockname())
ready = threading.Event()

def handle(conn, addr):
    with conn:
        while True:
            data = conn.recv(1024)
            if not data:
                break
            conn.sendall(data.upper())
    print("handler done", threading.current_thread().name)

def serve():
    ready.set()
    conn, addr = server.accept()
    print("accepted", addr[0])
    handle(conn, addr)

t = threading.Thread(target=serve, name="server")
t.start()
ready.wait()
with socket.create_connection(("127.0.0.1", 23456)) as c:
    for word in [b"alpha", b"beta"]:
        c.sendall(word)
        print("reply", c.recv(1024))
    print(c.getpeername())
t.join()
print(t.is_alive(), threading.active_count())
server.close()
print(server)
