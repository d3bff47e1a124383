import selectors
import socket
import types

sel = selectors.DefaultSelector()
lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lsock.bind(('127.0.0.1', 24566))
lsock.listen()
lsock.setblocking(False)
key = sel.register(lsock, selectors.EVENT_READ, data=None)
print('listening', key.events, key.data, key.fileobj is lsock, len(sel.get_map()))

clients = []
for i in range(2):
    c = socket.create_connection(('127.0.0.1', 24566))
    c.sendall(f'hello {i}\n'.encode())
    clients.append(c)


def accept_wrapper(sock):
    conn, addr = sock.accept()
    print('accepted connection from', addr[0])
    conn.setblocking(False)
    data = types.SimpleNamespace(addr=addr, inb=b'', outb=b'')
    sel.register(conn, selectors.EVENT_READ | selectors.EVENT_WRITE, data=data)


def service_connection(key, mask):
    sock = key.fileobj
    data = key.data
    if mask & selectors.EVENT_READ:
        recv_data = sock.recv(1024)
        if recv_data:
            data.outb += recv_data
        else:
            print('closing connection to', data.addr[0])
            sel.unregister(sock)
            sock.close()
            return
    if mask & selectors.EVENT_WRITE and data.outb:
        print('echoing', repr(data.outb))
        sent = sock.send(data.outb)
        data.outb = data.outb[sent:]


echoed = 0
for _ in range(50):
    events = sel.select(timeout=1)
    for key, mask in events:
        if key.data is None:
            accept_wrapper(key.fileobj)
        else:
            service_connection(key, mask)
    for c in clients[:]:
        c.setblocking(False)
        try:
            reply = c.recv(100)
        except BlockingIOError:
            continue
        print('client got', reply)
        c.close()
        clients.remove(c)
        echoed += 1
    if echoed == 2 and len(sel.get_map()) == 1:
        break
print('echoed', echoed, 'registered', len(sel.get_map()))
sel.unregister(lsock)
lsock.close()
sel.close()
