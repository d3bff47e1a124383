# Constructor argument errors
tests = [lambda: list(1), lambda: dict(1), lambda: dict([(1, 2)], [3]), lambda: tuple(x=1), lambda: set(1), lambda: frozenset(1), lambda: list([1], [2]), lambda: set([1], [2]), lambda: dict(["ab", "cd"]), lambda: dict([[1, 2]]), lambda: dict(a=1, **{"b": 2}), lambda: bytes([1], [2]), lambda: bytearray(-1), lambda: str(1, 2), lambda: int("5", base=8), lambda: int(base=8), lambda: range(), lambda: sorted([3, 1], key=None, reverse=True), lambda: [].sort(key=1)]
for f in tests:
    try:
        print(repr(f()))
    except Exception as e:
        print(type(e).__name__, e)
