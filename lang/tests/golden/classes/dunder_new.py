class Single:
    _inst = None
    def __new__(cls, *args):
        if cls._inst is None:
            cls._inst = super().__new__(cls)
        return cls._inst
    def __init__(self, v):
        self.v = v
a = Single(1); b = Single(2)
print(a is b, a.v)
class Point(tuple):
    def __new__(cls, x, y):
        return super().__new__(cls, (x, y))
    @property
    def x(self):
        return self[0]
    def __repr__(self):
        return f"Point(x={self[0]}, y={self[1]})"
p = Point(1, 2)
print(p, p.x, p[1], len(p), isinstance(p, tuple), p == (1, 2), list(p))
class Up(str):
    def __new__(cls, s):
        return str.__new__(cls, s.upper())
u = Up("abc")
print(u, len(u), u.lower(), type(u).__name__)
class Pos(int):
    def __new__(cls, v):
        if v < 0:
            raise ValueError("negative")
        return super().__new__(cls, v)
print(Pos(3) + 1)
try:
    Pos(-1)
except ValueError as e:
    print("error:", e)
class Other:
    def __new__(cls):
        return 42
print(Other())
