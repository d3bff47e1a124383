"""Generators behind enumerate/zip over iterators that may block (socket files, stdin):
a generator's next() is an ordinary call, so the green thread can wait inside it."""


def enumerate(iterable, start=0):
    n = start
    for item in iterable:
        yield (n, item)
        n += 1


def zip(*iterables):
    its = [iter(i) for i in iterables]
    if not its:
        return
    while True:
        items = []
        for it in its:
            try:
                items.append(next(it))
            except StopIteration:
                return
        yield tuple(items)


def callable_iter(func, sentinel):
    """iter(callable, sentinel): `iter(lambda: conn.recv(1024), b'')` may block."""
    while True:
        value = func()
        if value == sentinel:
            return
        yield value
