import socket

poem = """the woods are lovely, dark and deep
but i have promises to keep
and miles to go before i sleep
床前明月光"""
sock = socket.create_connection(('127.0.0.1', 24027))
f = sock.makefile('rw', encoding='utf-8')
print(type(f).__name__, f.mode if hasattr(f, 'mode') else '')
for line in poem.splitlines():
    f.write(line + '\n')
    f.flush()
    print(f.readline(), end='')
sock.shutdown(socket.SHUT_WR)
print('rest:', repr(f.read()))
f.close()
sock.close()
