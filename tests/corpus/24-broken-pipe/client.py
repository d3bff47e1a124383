import errno
import socket
import time

s = socket.create_connection(('127.0.0.1', 24024))
print('got:', s.recv(1024))
print('then:', s.recv(1024), '(the server closed its side)')
sent = 0
try:
    for i in range(100):
        s.sendall(b'are you still there?\n')    # the first send is accepted by our kernel
        sent += 1
        time.sleep(0.05)
except BrokenPipeError as e:
    print('BrokenPipeError:', e, '| errno', e.errno, e.errno == errno.EPIPE)
except ConnectionResetError as e:
    print('reset instead:', e)
else:
    print('every send succeeded?!')
print('at least one send was accepted:', sent >= 1)
s.close()
