import socket
import threading

lock = threading.Lock()
totals = {'bytes': 0, 'messages': 0}


def handle(conn):
    with conn:
        while data := conn.recv(100):
            with lock:
                totals['bytes'] += len(data)
                totals['messages'] += data.count(b'\n')
            conn.sendall(b'ack\n' * data.count(b'\n'))


server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(('127.0.0.1', 24017))
server.listen(5)
workers = []
for i in range(3):
    conn, addr = server.accept()
    t = threading.Thread(target=handle, args=(conn,), name=f'worker-{i}')
    t.start()
    workers.append(t)
print('started', ', '.join(t.name for t in workers))
for t in workers:
    t.join()
server.close()
print('all workers done:', not any(t.is_alive() for t in workers))
print('totals:', totals)
