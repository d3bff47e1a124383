import errno
import os
import socket

ADDR = ('127.0.0.1', 24022)    # no server runs here
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.connect(ADDR)
except ConnectionRefusedError as e:
    print('connect failed:', e)
    print('errno:', e.errno, errno.errorcode[e.errno], e.errno == errno.ECONNREFUSED)
    print('strerror:', e.strerror)
    print('args:', e.args)
    print('os.strerror:', os.strerror(e.errno))
    print('is ConnectionError:', isinstance(e, ConnectionError), '| is OSError:', isinstance(e, OSError))
    print('MRO:', [c.__name__ for c in type(e).__mro__])
finally:
    s.close()

try:
    socket.create_connection(ADDR, timeout=2)
except OSError as e:
    print(type(e).__name__, '->', e)

c = socket.socket()
c.connect(ADDR)     # uncaught: the program ends with a traceback
