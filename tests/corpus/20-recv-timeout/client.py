import socket

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
print('default timeout:', s.gettimeout())
s.connect(('127.0.0.1', 24020))
s.settimeout(0.4)
print('timeout now:', s.gettimeout())
try:
    greeting = s.recv(1024)
except socket.timeout as e:
    print('no greeting:', repr(e), '| str:', e, '| errno:', e.errno)
else:
    print('greeting:', greeting)
finally:
    print('after the first recv')
s.sendall(b'are you there?')
print('answer:', s.recv(1024).decode())
s.setblocking(True)
print('blocking again, timeout:', s.gettimeout())
s.close()
