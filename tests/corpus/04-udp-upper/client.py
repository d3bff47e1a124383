import socket

server = ('127.0.0.1', 24004)
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
while True:
    try:
        line = input('> ')
    except EOFError:
        break
    sock.sendto(line.encode(), server)
    reply, addr = sock.recvfrom(1024)
    print(reply.decode(), 'from port', addr[1])
    if reply == b'bye':
        break
sock.close()
