import select
import socket

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(('127.0.0.1', 24011))
server.listen(5)
inputs = [server]
served = 0
echoed = 0
while served < 2 or len(inputs) > 1:
    readable, _, _ = select.select(inputs, [], [], 10)
    if not readable:
        print('idle for 10 seconds, giving up')
        break
    for s in readable:
        if s is server:
            conn, addr = server.accept()
            inputs.append(conn)
            served += 1
        else:
            data = s.recv(1024)
            if data:
                echoed += len(data)
                s.sendall(data)
            else:
                inputs.remove(s)
                s.close()
server.close()
print(f'served {served} clients, echoed {echoed} bytes, {len(inputs)} socket(s) left')
