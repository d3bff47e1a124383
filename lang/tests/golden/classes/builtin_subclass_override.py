class L(list):
    def __getitem__(self, i):
        return "item%d" % list.__getitem__(self, i)
    def __len__(self):
        return 99
    def __contains__(self, x):
        return x == "magic"
    def __iter__(self):
        return iter([7, 8])
l = L([1, 2])
print(l[0], len(l), "magic" in l, 1 in l, list(l), [x for x in l], l)
class E(list):
    def __eq__(self, o):
        return "eq called"
    def __add__(self, o):
        return "added"
    def __iadd__(self, o):
        self.append(o)
        return self
e = E()
print(e + [1])
e += 5
print(e, type(e).__name__)
class Q(list): pass
q = Q([3]); q2 = q
q += [4]
print(q is q2, q, type(q).__name__, q * 2, type(q * 2).__name__, q[:], type(q[:]).__name__)
try:
    {L(): 1}
except TypeError as ex:
    print(ex)
class N(int):
    def __repr__(self):
        return f"N<{int(self)}>"
n = N(5)
print(n, [n], str(n), n + 1, n * n, abs(N(-3)), int(n), float(n), n // 2, divmod(n, 2), max(N(1), N(9)))
class Name(str):
    def __str__(self):
        return "Name:" + self.upper()
nm = Name("bob")
print(nm, str(nm), repr(nm), f"{nm}", "x" + nm, nm.upper(), len(nm))
class P2(tuple):
    def __repr__(self):
        return "P2" + tuple.__repr__(self)
p = P2((1, 2))
x, y = p
print(p, x, y, p[1], p.count(1), p.index(2), sorted(p), p < (1, 3))
class DD(dict):
    pass
dd = DD({'a': 1}, b=2)
dd.update(c=3)
print(dd, dd == {'a': 1, 'b': 2, 'c': 3}, list(dd.items()), dd.pop('a'), dd.keys(), type(dd).__name__, {**dd}, dd | {'z': 0})
import json
print(json.dumps(DD(x=[1])), json.dumps(Q([1, 2])))
class Word(str):
    def __new_like__(self): pass
words = [Word("b"), Word("a")]
print(sorted(words), " ".join(words), Word("a") < Word("b"), Word("ab").startswith("a"), Word("x") * 3)
