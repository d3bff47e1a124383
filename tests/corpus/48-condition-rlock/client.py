import socket

words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot']
s = socket.create_connection(('127.0.0.1', 24048))
s.sendall(''.join(w + '\n' for w in words).encode())
s.shutdown(socket.SHUT_WR)
replies = s.makefile('r').read().split()
s.close()
for w, r in zip(words, replies):
    print(f'{w:>8} -> {r}')
