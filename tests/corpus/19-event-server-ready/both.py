import socket
import threading

ready = threading.Event()
PORT = 24019


def serve():
    with socket.socket() as srv:
        srv.bind(('127.0.0.1', PORT))
        srv.listen()
        ready.set()                      # now connecting is safe
        conn, _ = srv.accept()
        with conn:
            name = conn.recv(100).decode()
            conn.sendall(f'hi {name}, I am {threading.current_thread().name}'.encode())


t = threading.Thread(target=serve, name='server-thread', daemon=True)
print(t.name, 'daemon' if t.daemon else 'not daemon', 'alive' if t.is_alive() else 'not started')
t.start()
print('wait returned', ready.wait(timeout=5))
with socket.create_connection(('127.0.0.1', PORT)) as c:
    c.sendall(threading.current_thread().name.encode())
    print(c.recv(100).decode())
t.join()
print('thread alive after join:', t.is_alive())
print('active threads:', threading.active_count())
