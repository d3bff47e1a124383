from collections import namedtuple, OrderedDict, defaultdict, Counter
Pt = namedtuple("Pt", "x y")
p = Pt(1, 2)
print(p, p.x, p[0], isinstance(p, tuple), p == (1, 2), len(p), tuple(p), p._replace(x=5), p._asdict())
x, y = p
print(x, y, hash(p) == hash((1, 2)), {p: 1}[(1, 2)], sorted([Pt(2, 1), Pt(1, 5)]))
class P3(Pt):
    def norm(self):
        return self.x ** 2 + self.y ** 2
print(P3(3, 4).norm(), P3(3, 4))
od = OrderedDict(a=1)
print(od, isinstance(od, dict))
dd = defaultdict(int); dd['a'] += 1; print(dd, isinstance(dd, dict))
c = Counter("abca"); print(c, isinstance(c, dict), c.most_common(1))
class MyCounter(Counter):
    pass
print(MyCounter("aab"))
import json
d2 = defaultdict(list); d2['k'].append(1); d2['j']
print(d2, dict(d2), json.dumps(d2), {**d2}, len(d2), 'k' in d2, d2.copy(), d2.get('zz'))
c2 = Counter(a=3, b=1); c3 = Counter("ab")
print(c2 + c3, c2 - c3, c2['zz'], c2.total(), sorted(c2.elements()), json.dumps(c2), c2 == {'a': 3, 'b': 1})
c2.update("aaa"); c2.subtract({'b': 1}); print(c2, Counter(), c2.copy())
o = OrderedDict([('x', 1), ('y', 2)]); o['z'] = 3; o.move_to_end('x'); print(o, o.popitem(last=False), o, list(o), OrderedDict())
words = "the cat the dog the end".split()
cnt = Counter(words)
for w, n in cnt.most_common(2):
    print(w, n)
