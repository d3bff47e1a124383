class L(list):
    def total(self):
        return sum(self)
l = L([1, 2, 3])
print(l, len(l), l.total(), isinstance(l, list), type(l).__name__, l[0], l[-1], l[1:])
l.append(4); l.extend([5]); l += [6]
print(l, type(l).__name__, 3 in l, list(l), [x * 2 for x in l], bool(L()), l == [1, 2, 3, 4, 5, 6])
print(repr(l), str(l), f"{l}", sorted(L([3, 1, 2])), l + [7], type(l + [7]).__name__)
l[0] = 10; del l[1]; print(l, l.pop(), l.index(10), l.count(3))
class Stack(list):
    def __init__(self, name):
        super().__init__()
        self.name = name
    def push(self, x):
        self.append(x)
    def __repr__(self):
        return f"Stack({self.name}, {list.__repr__(self)})"
s = Stack("s")
s.push(1); s.push(2)
print(s, len(s), s.pop(), s, s.name)
class Counted(list):
    def __init__(self, items):
        super().__init__(items)
        self.count_added = len(items)
    def append(self, x):
        self.count_added += 1
        super().append(x)
c = Counted([1, 2])
c.append(3)
print(c, c.count_added)

class D(dict):
    def __missing__(self, key):
        return key.upper()
d = D(a='x')
print(d['a'], d['zz'], len(d), d, 'zz' in d, d.get('q'), isinstance(d, dict))
class Default(dict):
    def __init__(self, factory):
        super().__init__()
        self.factory = factory
    def __missing__(self, key):
        v = self[key] = self.factory()
        return v
dd = Default(list)
dd['a'].append(1); dd['a'].append(2); dd['b'].append(3)
print(dd, sorted(dd.items()), list(dd.keys()), dict(dd), len(dd))
class AttrDict(dict):
    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)
    def __setattr__(self, name, value):
        self[name] = value
ad = AttrDict(x=1)
ad.y = 2
print(ad.x, ad.y, ad, sorted(ad))
class LD(dict):
    def __setitem__(self, k, v):
        print("set", k, v)
        super().__setitem__(k, v)
    def __getitem__(self, k):
        return super().__getitem__(k) * 2
ld = LD()
ld['a'] = 5
print(ld['a'], ld, ld.get('a'))

class S(str):
    def shout(self):
        return self.upper() + "!"
s = S("hi")
print(s, s.shout(), len(s), s + " there", s == "hi", isinstance(s, str), repr(s), s[0], f"[{s:>5}]", {s: 1}["hi"], "hi" in {s}, s.split("h"))
class I(int):
    def double(self):
        return self * 2
i = I(21)
print(i, i.double(), i + 1, i == 21, isinstance(i, int), repr(i), f"{i:05d}", [10, 20, 30][I(1)], hash(i) == hash(21), I("7") + 0, -i, i < 30)
class T(tuple):
    def first(self):
        return self[0]
t = T([1, 2])
print(t, t.first(), len(t), t + (3,), t == (1, 2), hash(t) == hash((1, 2)), isinstance(t, tuple), list(t), tuple(t))
class F(float):
    pass
print(F(1.5) + 1, F("2.5"))
class St(set):
    pass
ss = St([1, 2, 2])
ss.add(3)
print(ss, len(ss), 2 in ss, isinstance(ss, set))
