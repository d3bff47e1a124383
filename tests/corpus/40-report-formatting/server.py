import json
import socket

# per-host traffic counters, as a monitoring agent would report them
stats = [
    {'host': 'web-1', 'sent': 1234567, 'recv': 7654321, 'errors': 3, 'latency': 12.3456},
    {'host': 'db', 'sent': 98765, 'recv': 123, 'errors': 0, 'latency': 0.5},
    {'host': 'cache-07', 'sent': 0, 'recv': 4096, 'errors': 17, 'latency': 123.0},
    {'host': 'mail', 'sent': 5555, 'recv': 5555, 'errors': 1, 'latency': 7.25},
]
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(('127.0.0.1', 24040))
request, addr = sock.recvfrom(100)
print('request %r from %s' % (request, addr[0]))
sock.sendto(json.dumps(stats).encode(), addr)
sock.close()
