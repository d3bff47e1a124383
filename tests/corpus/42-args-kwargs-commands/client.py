import socket


def ask(sock, reader, *parts, **options):
    line = ' '.join([*parts, *(f'{k}={v}' for k, v in options.items())])
    sock.sendall(line.encode() + b'\n')
    print(f'{line!r}:', reader.readline().rstrip())


with socket.create_connection(('127.0.0.1', 24042)) as s:
    r = s.makefile('r')
    ask(s, r, 'echo', 'hello', 'world')
    ask(s, r, 'echo', 'a', 'b', 'c', sep='-')
    ask(s, r, 'sum', *map(str, range(1, 11)))
    ask(s, r, 'sum', '1.5', '2', '"3"')
    ask(s, r, 'stats', 'Socket', 'socket', 'TCP', 'UDP', mode='fast', level=2)
    ask(s, r, 'sum', 'x', colour='red')
    ask(s, r, 'nope')
    r.close()
squares = {n: n * n for n in range(5)}
print(squares, sum(x for x in squares.values() if x % 2), [c for c in 'socket' if c not in 'aeiou'])
