import socket
import threading

mailbox = []
cond = threading.Condition()
rlock = threading.RLock()
log = []


def note(text):
    with rlock:
        with rlock:       # re-entering an RLock is allowed
            log.append(text)


def receiver(conn):
    for line in conn.makefile('r'):
        with cond:
            while len(mailbox) >= 2:     # bounded: wait for the sender to drain
                cond.wait()
            mailbox.append(line.strip())
            cond.notify_all()
    with cond:
        mailbox.append(None)
        cond.notify_all()


srv = socket.socket()
srv.bind(('127.0.0.1', 24048))
srv.listen()
conn, _ = srv.accept()
t = threading.Thread(target=receiver, args=(conn,))
t.start()
while True:
    with cond:
        cond.wait_for(lambda: mailbox)
        item = mailbox.pop(0)
        cond.notify_all()
    if item is None:
        break
    note(item)
    conn.sendall(f'{item[::-1]}\n'.encode())
t.join()
print('processed in order:', log)
conn.close()
srv.close()
