# Protocols: dict views, __index__/__len__/__getitem__/__reversed__/__lt__/__format__ objects
def t(label, f):
    try:
        print(label, repr(f()))
    except Exception as e:
        print(label, type(e).__name__ + ":", e)
d = {"a": 1}
t("view subscript", lambda: d.keys()[0])
t("view len", lambda: (len(d.keys()), len(d.values()), len(d.items()), bool(d.keys()), bool({}.keys())))
t("set | list", lambda: {1} | [2])
t("view | list", lambda: sorted(d.keys() | ["b"]))
t("view in for", lambda: [k for k in d.keys()] + [v for v in d.values()])
t("view mutation", lambda: [d.__setitem__("z", 0) for k in d.keys()])
t("dict(view)", lambda: (list(d.items()), dict(d.items()), sorted(set(d.keys())), tuple(d.values()), sorted(d.values())))
t("str*str", lambda: "a" * "b")
t("list*float", lambda: [1] * 1.5)
t("set methods on frozenset", lambda: (frozenset([1]).union([2]), frozenset([1]) == {1}, type(frozenset([1]) | {2}).__name__, type({2} | frozenset([1])).__name__))
t("dict update kw", lambda: (lambda x: (x.update(a=1, b=2), x)[1])({}))
t("dict update obj", lambda: (lambda x: (x.update([["k", "v"]]), x)[1])({}))
t("dict from keys obj", lambda: dict.fromkeys(range(3), []))
t("setdefault list", lambda: (lambda x: (x.setdefault("k", []).append(1), x.setdefault("k", []).append(2), x)[2])({}))
t("pop default none", lambda: {}.pop("x", None))
t("get unhashable", lambda: {}.get([1]))
t("in unhashable", lambda: [1] in {})
t("int methods on bool", lambda: (True.bit_length(), True.to_bytes(1, "big"), (5).conjugate(), (5).__index__()))
t("float methods", lambda: ((3.0).__int__(), (3.7).__trunc__() if False else 0, (2.5).__round__(), (-1.5).__abs__(), (0.1).conjugate()))
t("int() of objects", lambda: int(type("X", (), {"__int__": lambda self: 7})()) if False else 0)
class I:
    def __index__(self):
        return 3
    def __abs__(self):
        return "abs!"
    def __round__(self, n=None):
        return ("round", n)
t("index protocol", lambda: (hex(I()), bin(I()), list(range(I())), "abc"[:2], abs(I()), round(I()), round(I(), 2)))
class R:
    def __len__(self):
        return 3
    def __getitem__(self, i):
        if i >= 3:
            raise IndexError
        return i * 10
t("reversed seq proto", lambda: (list(reversed(R())), list(R()), len(R()), sorted(R(), reverse=True)))
class Rv:
    def __reversed__(self):
        return iter("zyx")
t("reversed dunder", lambda: list(reversed(Rv())))
class Cmp:
    def __init__(self, v):
        self.v = v
    def __lt__(self, o):
        return self.v < o.v
    def __repr__(self):
        return "C%d" % self.v
t("sort user lt", lambda: (sorted([Cmp(3), Cmp(1), Cmp(2)]), max([Cmp(3), Cmp(5)]) if False else 0, min([Cmp(3), Cmp(1)])))
t("max user no gt", lambda: max([Cmp(3), Cmp(5)]))
t("sum user", lambda: sum([Cmp(1)]))
class Str:
    def __str__(self):
        return "S"
    def __format__(self, spec):
        return "F" + spec
t("format user", lambda: ("{}".format(Str()), "{:xy}".format(Str()), f"{Str()!s}", str(Str()), format(Str(), "q"), "%s" % Str()))
t("join generator", lambda: ",".join(str(i) for i in range(5)))
t("str(bytes) warn-free", lambda: str(b"ab"))
t("bytes(list of bool)", lambda: bytes([True, False]))
t("bytearray(int)", lambda: (bytearray(3), bytearray([1, 2]), bytearray(b"x") * 2, bytearray(b"ab") == b"ab"))
