import socket

srv = socket.socket()
srv.bind(('127.0.0.1', 24003))
srv.listen(1)
conn, _ = srv.accept()
received = b''
while True:
    part = conn.recv(16)
    if part == b'':
        break
    received += part
text = received.decode('utf-8')
words = text.split()
print('got %d bytes, %d words' % (len(received), len(words)))
reply = 'words=%d chars=%d longest=%s' % (len(words), len(text), max(words, key=len))
conn.sendall(reply.encode('utf-8'))
conn.shutdown(socket.SHUT_RDWR)
conn.close()
srv.close()
