import socket
import time

sock = socket.create_connection(('127.0.0.1', 24039))
sock.sendall(b'GET /index.html HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n')
response = b''
while chunk := sock.recv(1024):
    response += chunk
sock.close()
head, _, body = response.partition(b'\r\n\r\n')
status, *header_lines = head.decode('ascii').split('\r\n')
print(status)
headers = dict(line.split(': ', 1) for line in header_lines)
for name in sorted(headers):
    print(f'  {name}: {headers[name]}')
print('body length ok:', int(headers['Content-Length']) == len(body))
print(body.decode('utf-8'))
parsed = time.strptime(headers['Date'], '%a, %d %b %Y %H:%M:%S GMT')
print('date parsed:', parsed.tm_year, parsed.tm_mon, parsed.tm_mday, time.strftime('%Y-%m-%d %H:%M', parsed))
