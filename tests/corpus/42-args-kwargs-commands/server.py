import shlex
import socket

COMMANDS = {}


def command(name=None, **meta):
    def register(func):
        COMMANDS[name or func.__name__] = (func, meta)
        return func
    return register


@command()
def echo(*words, sep=' '):
    return sep.join(words)


@command('sum', help='add numbers')
def total(*numbers):
    return str(sum(float(n) if '.' in n else int(n) for n in numbers))


@command(help='word statistics')
def stats(*words, **options):
    lengths = {w: len(w) for w in words}
    unique = {w.lower() for w in words}
    longest = [w for w in words if len(w) == max(lengths.values())]
    return f'lengths={lengths} unique={sorted(unique)} longest={longest} options={options}'


def run(line):
    name, *rest = shlex.split(line)
    args = [a for a in rest if '=' not in a]
    kwargs = dict(a.split('=', 1) for a in rest if '=' in a)
    func, meta = COMMANDS[name]
    return func(*args, **kwargs)


print('commands:', sorted(COMMANDS), {k: m.get('help', '-') for k, (f, m) in COMMANDS.items()})
srv = socket.create_server(('127.0.0.1', 24042))
conn, _ = srv.accept()
with conn, conn.makefile('r') as lines:
    for line in lines:
        try:
            result = run(line)
        except KeyError as e:
            result = f'unknown command {e.args[0]}'
        except TypeError as e:
            result = f'TypeError: {e}'
        conn.sendall(f'{result}\n'.encode())
srv.close()
