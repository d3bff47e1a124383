import select
import socket

HOST, PORT = '127.0.0.1', 24012
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind((HOST, PORT))
listener.listen()
clients = {}          # socket -> name (None until the first line)
log = []

def broadcast(sender, text):
    for sock in clients:
        if sock is not sender:
            sock.sendall(text.encode())

# wait until both users are in the room, then open it
while len(clients) < 2:
    conn, _ = listener.accept()
    clients[conn] = None
for sock in clients:
    sock.sendall(f'welcome, {len(clients)} users online\n'.encode())

while clients:
    readable, _, _ = select.select(list(clients), [], [])
    for sock in readable:
        data = sock.recv(1024)
        if not data:
            log.append(f'{clients.pop(sock)} left')
            sock.close()
            continue
        for line in data.decode().splitlines():
            if clients[sock] is None:
                clients[sock] = line
                log.append(f'{line} joined')
            else:
                log.append(f'{clients[sock]} says {line}')
                broadcast(sock, f'{clients[sock]}: {line}\n')
listener.close()
print('\n'.join(sorted(log)))
print('room closed')
