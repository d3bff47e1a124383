import socket

name = input('node name: ')
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.settimeout(2)
acks = 0
for seq in range(1, 6):
    s.sendto(f'{name}:{seq}'.encode(), ('127.0.0.1', 24043))
    reply, _ = s.recvfrom(256)
    acks += reply == f'ack {name}:{seq}'.encode()
print()
print(name, 'sent 5 beats, got', acks, 'acks')
s.close()
