import socket


def make_counter():
    total = 0

    def count(chunk):
        nonlocal total
        total += len(chunk)
        return total
    return count


def lines(sock, counter, bufsize=5):
    pending = b''
    while True:
        chunk = sock.recv(bufsize)
        if not chunk:
            break
        counter(chunk)
        pending += chunk
        *complete, pending = pending.split(b'\n')
        yield from (line.decode() for line in complete)
    if pending:
        yield pending.decode()


counter = make_counter()
with socket.create_connection(('127.0.0.1', 24047)) as s:
    rows = [line.split(',') for line in lines(s, counter)]
print('rows:', len(rows), '| bytes counted:', counter(b''))
squares = (int(sq) for n, sq, kind in rows if kind == 'even')
print('sum of even squares:', sum(squares))
gen = lines.__name__, type(lines(None, None)).__name__
print(gen)
table = dict((int(n), int(sq)) for n, sq, _ in rows)
print(max(table, key=table.get), min(table.values()), any(v > 100 for v in table.values()), all(v > 0 for v in table.values()))
print(list(reversed(rows[-3:])), divmod(len(rows), 5), pow(2, 10, 1000), round(2.675, 2), round(7.5))
