class B(bytes):
    def hexed(self):
        return self.hex()
b = B(b"ab")
print(b, b.hexed(), len(b), b + b"c", b[0], b == b"ab", b.decode(), isinstance(b, bytes), list(b))
class FS(frozenset):
    pass
f = FS([1, 2])
print(f, len(f), 1 in f, f | {3}, hash(f) == hash(frozenset([1, 2])), {f: 1}[frozenset([1, 2])])
class E(Exception):
    pass
try:
    raise E("x")
except E as e:
    print(repr(e))
class L(list):
    pass
print(L.__name__, L([1]).__class__ is L, type(L([1]) * 2).__name__, L([3]) < [4], [L([1])], {"k": L([2])})
import json
print(json.loads(json.dumps(L([1, {"a": L()}]))))
