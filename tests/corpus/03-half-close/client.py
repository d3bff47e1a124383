import socket

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('127.0.0.1', 24003))
text = 'the quick brown fox jumps over the lazy dog 敏捷的棕色狐狸'
s.sendall(text.encode('utf-8'))
s.shutdown(socket.SHUT_WR)          # no more data from us: the server sees b''
try:
    s.send(b'too late')
except BrokenPipeError as e:
    print('send after SHUT_WR:', e.errno, e.strerror)
answer = b''
while data := s.recv(8):
    answer += data
print('answer:', answer.decode('utf-8'))
s.close()
