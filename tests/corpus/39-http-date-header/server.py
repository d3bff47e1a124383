import socket
import time

HTTP_DATE = '%a, %d %b %Y %H:%M:%S GMT'
# a fixed moment, so the page is the same every time
BUILT = time.gmtime(1700000000)
print('built at', time.strftime(HTTP_DATE, BUILT), '| weekday', BUILT.tm_wday, '| yday', BUILT.tm_yday)
body = '<html><body><h1>It works</h1><p>中文页面</p></body></html>'.encode('utf-8')

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(('127.0.0.1', 24039))
srv.listen(5)
while True:
    conn, addr = srv.accept()
    request = conn.recv(4096).decode('latin-1')
    request_line = request.split('\r\n', 1)[0]
    print('request:', request_line)
    headers = [
        'HTTP/1.0 200 OK',
        'Content-Type: text/html; charset=utf-8',
        'Content-Length: %d' % len(body),
        'Last-Modified: ' + time.strftime(HTTP_DATE, BUILT),
        'Date: ' + time.strftime(HTTP_DATE, time.gmtime(1700000000 + 86400 * 45)),
    ]
    conn.sendall(('\r\n'.join(headers) + '\r\n\r\n').encode('ascii') + body)
    conn.close()
