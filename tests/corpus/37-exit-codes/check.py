"""A monitoring check: exit 0 = OK, 1 = WARN, 3 = DOWN (like Nagios plugins)."""
import os
import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 24037
print('script:', os.path.basename(sys.argv[0]), '| args:', sys.argv[1:])
with socket.create_connection((host, port)) as s:
    s.sendall(b'status')
    text = s.makefile().read()
codes = {'OK': 0, 'WARN': 1, 'DOWN': 3}
worst = 0
for line in text.splitlines():
    name, _, value = line.partition('=')
    level = value.split()[0]
    worst = max(worst, codes[level])
    print(f'{name:<8}{value}')
sys.stdout.flush()
if worst:
    print('worst status', worst)
    sys.exit(worst)
print('all good')
