import json
class Tag(str):
    def __new__(cls, value, kind):
        obj = super().__new__(cls, value)
        obj.kind = kind
        return obj
t = Tag("div", "block")
print(t, t.kind, t.upper(), len(t), t == "div", repr(t))
class Money(int):
    def __new__(cls, cents, currency="EUR"):
        self = int.__new__(cls, cents)
        self.currency = currency
        return self
    def __str__(self):
        return f"{int(self) / 100:.2f} {self.currency}"
m = Money(1250)
print(m, m + 50, m.currency, f"{m}", f"{m:>8}", [m], m > 1000)
print(json.dumps(Tag("a", "x")), json.dumps({"k": Money(3)}), json.dumps([Tag("b", "y")]), json.dumps({Tag("key", "z"): 1}))
class Path(str):
    def join(self, *parts):
        return Path("/".join([self, *parts]))
p = Path("usr").join("local", "bin")
print(p, type(p).__name__, p.split("/"))
class Reg(dict):
    def register(self, name):
        def deco(f):
            self[name] = f
            return f
        return deco
reg = Reg()
@reg.register("hello")
def hello():
    return "hi"
print(reg["hello"](), list(reg), len(reg))
class Matrix(list):
    def __init__(self, rows):
        super().__init__([list(r) for r in rows])
    @property
    def shape(self):
        return (len(self), len(self[0]) if self else 0)
    def __str__(self):
        return "\n".join(" ".join(str(x) for x in row) for row in self)
mx = Matrix([[1, 2], [3, 4]])
print(mx.shape)
print(mx)
print(repr(mx), mx[1][0])
