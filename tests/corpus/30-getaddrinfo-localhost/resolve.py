import socket

print(socket.gethostbyname('localhost'))
print(socket.gethostbyname('127.0.0.1'))
infos = socket.getaddrinfo('localhost', 24030, socket.AF_INET, socket.SOCK_STREAM)
for family, type_, proto, canonname, sockaddr in infos:
    print(family, type_, proto, repr(canonname), sockaddr)
print(socket.getaddrinfo('127.0.0.1', 80, socket.AF_INET, socket.SOCK_STREAM))
print(socket.getaddrinfo('127.0.0.1', 53, socket.AF_INET, socket.SOCK_DGRAM)[0][4])
print(int(socket.AF_INET), int(socket.SOCK_STREAM), int(socket.SOCK_DGRAM), socket.IPPROTO_TCP)

for res in socket.getaddrinfo('localhost', 24030, socket.AF_INET, socket.SOCK_STREAM):
    af, socktype, proto, _, sa = res
    s = socket.socket(af, socktype, proto)
    try:
        s.connect(sa)
    except OSError:
        s.close()
        continue
    break
print(s.recv(100).decode())
s.close()
print('hostname resolves to a string:', isinstance(socket.gethostbyname(socket.gethostname()), str))
