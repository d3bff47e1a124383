import copy
class L(list):
    pass
class I(int):
    pass
class S(str):
    pass
l = L([3, 1, 2])
l.tag = "t"
print(sorted(l), list(reversed(l)), list(enumerate(l)), list(zip(l, l)), max(l), min(l), sum(l), any(l), l.tag)
l.sort(key=lambda x: -x); print(l, type(l).__name__)
c = copy.copy(l); print(c, type(c).__name__)
print("%d and %s and %r" % (I(5), S("s"), S("r")), "{} {}".format(I(7), S("x")), int(S("12")) + 1, float(I(3)), list(range(I(3))), bool(I(0)), bool(S("")), bool(L()))
print(issubclass(L, list), isinstance(l, L), L.__mro__, type(L()) is L, L.__name__, I(3).__class__.__name__)
print(I(10) / I(4), I(7) % 3, 2 ** I(3), I(5) & 3, I(1) << 4, -I(2), I(3) == 3.0, round(I(7)), hash(I(7)), hash(S("a")) == hash("a"))
print(S("a,b").split(","), S("abc").upper(), S("x") in "xyz", "y" in S("xyz"), S("abc")[1:], S("ab") * 2, S(" a ").strip(), S("a").join(["1", "2"]))
d = {S("k"): 1, I(2): 'two'}
print(d["k"], d[2], S("k") in d, 2 in {I(2)})
class Stack(list):
    def peek(self):
        return self[-1]
    def is_empty(self):
        return not self
s = Stack()
print(s.is_empty()); s.append(1); s.append(2); print(s.peek(), s.is_empty(), s, len(s))
try:
    Stack().pop()
except IndexError as e:
    print("IndexError:", e)
try:
    L([1]).remove(5)
except ValueError as e:
    print("ValueError:", e)
class D(dict):
    def __missing__(self, k):
        raise KeyError(f"no {k}")
try:
    D()['x']
except KeyError as e:
    print("KeyError:", e)
import copy
from collections import namedtuple, Counter, defaultdict
class T(tuple): pass
class Sx(str):
    pass
Pt = namedtuple("Pt", "x y")
dl = L([[1], [2]]); dl.tag = [0]
for obj in [T((1, [2])), Sx("ab"), I(4), Pt(1, [2]), Counter("aab"), defaultdict(list, a=[1]), dl]:
    a = copy.copy(obj); b = copy.deepcopy(obj)
    print(type(a).__name__, a, type(b).__name__, b, a == obj, b == obj)
dc = copy.deepcopy(dl); dc[0].append(9); dc.tag.append(1); print(dl, dl.tag, dc, dc.tag)
