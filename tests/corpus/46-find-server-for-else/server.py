import socket

srv = socket.socket()
srv.bind(('127.0.0.1', 24046))
srv.listen()
conn, _ = srv.accept()
data = conn.recv(1024)
numbers = [int(x) for x in data.split(b',')]
evens, odds = numbers[::2], numbers[1::2]
print('numbers', numbers, 'every other', evens, odds, 'reversed', numbers[::-1][:3])
conn.sendall(b','.join(str(n).encode() for n in sorted(numbers, key=lambda n: (-(n % 3), n))))
conn.close()
srv.close()
