@property
def f(self) -> int: return 1
@a.b(c)
@d
class C(Base, metaclass=M, **kw):
    x: int
    y: str = 'a'
    def __init__(self, *args, key=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.key = key
    def __repr__(self):
        return f"C({self.key!r})"
async_ = 1
def f2(a, b=1, /, c=2, *, d, e=3, **f): pass
def f3(*, a): pass
def f4(a, /): pass
lambda: (yield)
lambda *a, **k: 0
lambda a, /, b: 0
class D: pass
class E(): pass
