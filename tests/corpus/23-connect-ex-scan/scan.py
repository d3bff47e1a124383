import errno
import socket


def probe(port, host='127.0.0.1'):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(1)
        return s.connect_ex((host, port))


ports = [24023, 24223, 24224, 24123]
results = {port: probe(port) for port in ports}
for port, code in results.items():
    state = 'open' if code == 0 else f'closed ({errno.errorcode.get(code, code)}, {code})'
    print(f'{port:>6}: {state}')
open_ports = list(filter(lambda p: results[p] == 0, ports))
print('open:', open_ports)
print('closed count:', sum(1 for c in results.values() if c == errno.ECONNREFUSED))
