import socket

prices = {'apple': '3', 'pear': '4', 'durian': 'N/A'}
s = socket.socket()
s.bind(('127.0.0.1', 24036))
s.listen()
conn, _ = s.accept()
while item := conn.recv(64).decode():
    print('price of', item, 'requested')
    conn.sendall(prices.get(item, '?').encode())
conn.close()
s.close()
print('client went away')
