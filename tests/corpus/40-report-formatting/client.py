import json
import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.sendto(b'STATS', ('127.0.0.1', 24040))
stats = json.loads(sock.recv(65536))
sock.close()

print(f"{'#':>2} {'host':<10}{'sent':>12}{'recv':>12} {'err':>4} {'latency':>9}")
for i, row in enumerate(sorted(stats, key=lambda r: r['sent'] + r['recv'], reverse=True), 1):
    print(f"{i:>2} {row['host']:<10}{row['sent']:>12,}{row['recv']:>12,} {row['errors']:>4x} {row['latency']:>09.3f}")
print('-' * 52)
totals = [sum(r[k] for r in stats) for k in ('sent', 'recv', 'errors')]
print('{:<13}{:>12,}{:>12,} {:>4}'.format('total', *totals))
print('hosts with errors: %s' % ', '.join(r['host'] for r in filter(lambda r: r['errors'], stats)))
print('%-8s|%8.2f%%|%+d|%5s|%e' % ('ratio', 100 * totals[0] / totals[1], -totals[2], 'x', totals[1]))
names = list(map(str.upper, (r['host'] for r in stats)))
for name, lat in zip(names, (r['latency'] for r in stats)):
    print(f'{name!r:>12} {lat:<8.1f}|{lat:^10.2e}|{int(lat):#06b}|{lat:g}')
print('{0} {1} {0} {name}'.format('a', 'b', name='kw'), '{:*^15}'.format(' end '))
print(f'{3.0!s} {1/3:.3} {2**0.5:.5g} {1e16} {1e-7} {-0.0} {float("inf")} {123456789.0:e} {0.1 + 0.2}')
