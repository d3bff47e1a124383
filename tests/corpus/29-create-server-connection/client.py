import socket

with socket.create_connection(('localhost', 24029), timeout=5) as c:
    print('timeout:', c.gettimeout())
    print('connected to', c.getpeername())
    me = c.getsockname()
    seen = c.recv(100).decode()
    print('the server saw me as', seen)
    print('same as my getsockname:', seen == repr(me))
    print(repr(c.family), repr(c.type), c.proto)
