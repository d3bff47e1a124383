import socket

s = socket.socket()
s.connect(('127.0.0.1', 24036))
total = 0
for fruit, count in [('apple', 2), ('pear', 5), ('durian', 1)]:
    s.sendall(fruit.encode())
    reply = s.recv(64).decode()
    price = int(reply)                 # 'N/A' is not a number
    total += price * count
    print(f'{count} x {fruit} = {price * count}')
print('total', total)
