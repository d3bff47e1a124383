import socket

problems = ['1 + 2', '10 * 10', '7 - 12', '123456789 * 987654321']
s = socket.socket()
s.connect(('127.0.0.1', 24018))
s.sendall(''.join(p + '\n' for p in problems).encode())
s.shutdown(socket.SHUT_WR)
total = s.makefile().readline()
print('sum of all answers:', int(total))
s.close()
