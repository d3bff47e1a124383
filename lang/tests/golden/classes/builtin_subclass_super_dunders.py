class L(list):
    def __repr__(self):
        return "L" + super().__repr__()
    def __getitem__(self, i):
        return super().__getitem__(i) * 10
    def __setitem__(self, i, v):
        super().__setitem__(i, v + 1)
    def __contains__(self, x):
        return super().__contains__(x) or x == "any"
    def __len__(self):
        return super().__len__() + 100
    def __iter__(self):
        return (x * 2 for x in super().__iter__())
    def __eq__(self, o):
        return super().__eq__(o)
l = L([1, 2])
l[0] = 5
print(l, l[0], "any" in l, 2 in l, len(l), list(l), l == [6, 2], l.__len__())
class S(str):
    def __str__(self):
        return "<" + super().__str__() + ">"
    def __add__(self, o):
        return S(super().__add__(o))
    def __hash__(self):
        return super().__hash__()
    def __eq__(self, o):
        return super().__eq__(o)
s = S("ab")
print(s, s + "c", type(s + "c").__name__, {s: 1}["ab"], hash(s) == hash("ab"), s == "ab")
class I(int):
    def __add__(self, o):
        return I(super().__add__(o))
    def __repr__(self):
        return f"I({int(self)})"
print(I(2) + 3, [I(2) + I(3)], I(5).__add__(1), I(7).bit_length(), I(3).__mul__(2))
class D(dict):
    def __setitem__(self, k, v):
        super().__setitem__(k.lower(), v)
    def __getitem__(self, k):
        return super().__getitem__(k.lower())
    def __contains__(self, k):
        return super().__contains__(k.lower())
d = D()
d["ABC"] = 1
print(d, d["aBc"], "ABC" in d, d.get("abc"), d.keys())
class Num:
    def __init__(s, v): s.v = v
    def __eq__(s, o): return s.v == (o.v if isinstance(o, Num) else o)
    def __hash__(s): return hash(s.v)
    def __repr__(s): return f"Num({s.v})"
d = {Num(1): 'num'}
print(d[1], 1 in d, {1, Num(1)}, {Num(2), 2}, len({Num(2), 2}), {1: 'a'}[Num(1)], Num(3) in {3: 0}, {Num(4)} == {4}, {4} == {Num(4)})
