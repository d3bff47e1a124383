import collections
import shlex
import string

d = collections.deque([1, 2, 3], maxlen=3)
d.append(4)
d.appendleft(0)
print(d, d.popleft(), len(d), list(d), 3 in d, d[0], d[-1])
q = collections.deque()
q.extend("abc")
q.rotate(1)
print(q, q.pop(), q, bool(q), bool(collections.deque()))
try:
    collections.deque().popleft()
except IndexError as e:
    print(e)
dd = collections.defaultdict(list)
dd["a"].append(1)
dd["b"]
print(dd, dict(dd.items()), "a" in dd, len(dd), sorted(dd))
counts = collections.defaultdict(int)
for w in "the cat the dog the end".split():
    counts[w] += 1
print(counts, counts["missing"])
c = collections.Counter("abracadabra")
print(c, c.most_common(2), c["z"], c.total(), sorted(c.elements())[:4])
c.update("aaz")
print(c, collections.Counter(a=1) + collections.Counter(a=2, b=1))
od = collections.OrderedDict()
od["x"] = 1
od["y"] = 2
od.move_to_end("x")
print(od, list(od), collections.OrderedDict())
Point = collections.namedtuple("Point", "x y")
p = Point(1, y=2)
print(p, p.x, p[1], tuple(p), p._asdict(), p == (1, 2), Point._fields, p._replace(x=5))
x, y = p
print(x + y)
Addr = collections.namedtuple("Addr", ["host", "port"], defaults=[80])
print(Addr("localhost"), Addr("h", 8080))
print(shlex.split('add 1 "two words" x\\ y'), shlex.split("say 'it is' \"q\\\"x\""), shlex.split(""), shlex.split('a "" b'))
for bad in ["it's", 'a "b', "x\\"]:
    try:
        shlex.split(bad)
    except ValueError as e:
        print(repr(bad), e)
print(shlex.quote("safe"), shlex.quote("has space"), shlex.quote(""), shlex.join(["a", "b c"]))
print(string.ascii_letters, string.digits, string.punctuation, string.hexdigits, repr(string.whitespace))
print(string.ascii_lowercase, string.ascii_uppercase, string.octdigits, len(string.printable), string.capwords("hello  world"))
