import os
import socket
import time

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 24051))
print('pid is a positive number:', os.getpid() > 0)
for _ in range(4):
    data, addr = s.recvfrom(64)
    seq = int(data.split()[1])
    if seq == 3:
        time.sleep(0.3)          # one slow answer
    s.sendto(data.replace(b'PING', b'PONG'), addr)
s.close()
print('answered 4 pings')
