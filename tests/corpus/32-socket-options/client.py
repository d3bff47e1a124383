import socket

tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
print('SO_TYPE tcp/udp:', tcp.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE),
      udp.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE),
      '| constants:', int(socket.SOCK_STREAM), int(socket.SOCK_DGRAM))
print('TCP_NODELAY before:', tcp.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
tcp.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
print('TCP_NODELAY after:', tcp.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
print('SO_BROADCAST before:', udp.getsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST))
udp.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, True)
print('SO_BROADCAST after:', udp.getsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST))
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
rcvbuf = tcp.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
print('SO_RCVBUF at least what we asked:', rcvbuf >= 65536)
print('SO_SNDBUF positive:', tcp.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) > 0)
print('SO_KEEPALIVE:', tcp.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE))
tcp.connect(('127.0.0.1', 24032))
print('SO_ERROR after connect:', tcp.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
tcp.sendall(b'options')
print(tcp.recv(64))
tcp.close()
udp.close()
