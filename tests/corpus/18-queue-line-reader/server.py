import queue
import socket
import threading

jobs = queue.Queue()


def reader(conn):
    """Producer: turn the byte stream into lines on the queue."""
    for line in conn.makefile('r', encoding='utf-8'):
        jobs.put(line.rstrip('\n'))
    jobs.put(None)


srv = socket.socket()
srv.bind(('127.0.0.1', 24018))
srv.listen()
conn, _ = srv.accept()
t = threading.Thread(target=reader, args=(conn,), daemon=True)
t.start()
results = []
while True:
    item = jobs.get()
    if item is None:
        jobs.task_done()
        break
    a, op, b = item.split()
    value = {'+': int.__add__, '-': int.__sub__, '*': int.__mul__}[op](int(a), int(b))
    results.append(value)
    print(f'job {len(results)}: {item} = {value}')
    jobs.task_done()
jobs.join()
t.join()
print('queue empty:', jobs.empty(), 'qsize:', jobs.qsize())
conn.sendall(f'{sum(results)}\n'.encode())
conn.close()
srv.close()
