import socket
c = socket.socket()
try:
    c.connect(("127.0.0.1", 23459))
except ConnectionRefusedError as e:
    print("refused:", e, e.errno)
c.close()
c = socket.socket()
print(c.connect_ex(("127.0.0.1", 23459)))
c.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 23458))
u.settimeout(0.2)
print(u.gettimeout())
try:
    u.recvfrom(100)
except socket.timeout as e:
    print("timeout:", e, type(e).__name__)
u.setblocking(False)
try:
    u.recv(10)
except BlockingIOError as e:
    print("blocking:", e)
try:
    u.sendto("text", ("127.0.0.1", 1))
except TypeError as e:
    print(e)
try:
    u.bind("127.0.0.1")
except TypeError as e:
    print(e)
u.close()
try:
    u.recv(10)
except OSError as e:
    print(e)
print(socket.inet_aton("127.0.0.1"), socket.inet_ntoa(b"\x7f\x00\x00\x01"), socket.htons(1), socket.ntohs(256))
print(socket.gethostbyname("localhost"), socket.timeout is TimeoutError, socket.error is OSError)
