class P:
    def __init__(s, x): s.x = x
    def __eq__(s, o): return isinstance(o, P) and s.x == o.x
    def __hash__(s): return hash(s.x)
    def __repr__(s): return f"P({s.x})"
d = {P(1): 'a'}
print(d.get(P(1)), P(1) in {P(1)}, len({P(1), P(1), P(2)}))
d[P(1)] = 'b'; d[P(2)] = 'c'
print(d, len(d), P(2) in d, d[P(2)])
del d[P(1)]
print(d)
print(d.pop(P(2)), d, d.pop(P(3), 'dflt'))
print(d.setdefault(P(5), []), d.setdefault(P(5), [1]), d)
s = {P(1), P(2)}
s.add(P(1)); s.add(P(3)); print(sorted(s, key=lambda p: p.x))
s.remove(P(1)); s.discard(P(2)); s.discard(P(9)); print(s)
a = {P(1), P(2)}; b = {P(2), P(3)}
print(sorted(a | b, key=lambda p: p.x), a & b, a - b, a ^ b == {P(1), P(3)})
print(dict([(P(1), 1), (P(1), 2)]), set([P(4), P(4)]), frozenset([P(4), P(4)]))
print({P(1): 1} == {P(1): 1}, {P(1)} == {P(1)}, {P(1)} != {P(2)})
lst = [P(1), P(2), P(1)]
print(lst.index(P(2)), lst.count(P(1)), P(2) in lst, P(7) in lst, P(1) in (P(0), P(1)))
lst.remove(P(1)); print(lst)
print(hash(P(7)), hash(P(2**64)), hash(P(-1)), hash((1, 2)), hash((P(1), 'x')) == hash((1, 'x')))
class H:
    def __init__(s, h): s.h = h
    def __hash__(s): return s.h
print(hash(H(-1)), hash(H(2**64)), hash(H(2**63 - 1)), hash(H(True)), hash(H(-2**63)), hash(H(-2**63-1)))
class E:
    def __eq__(s, o): return True
try:
    {E()}
except TypeError as e:
    print(e)
class N:
    __hash__ = None
try:
    hash(N())
except TypeError as e:
    print(e)
try:
    {H('x'): 1}
except TypeError as e:
    print(e)
try:
    d = {}; d[[1]] = 2
except TypeError as e:
    print(e)
print({(P(1), 2): 'tup'}[(P(1), 2)])
print(d.get(P(1)), {1: 'one'}.get(1.0), {P(1): 1}.keys() == {P(1)})
counts = {}
for w in [P(1), P(2), P(1)]:
    counts[w] = counts.get(w, 0) + 1
print(counts)
class Sub(P): pass
print(Sub(1) in {P(1)}, {Sub(3): 1}[P(3)])
print({P(1)} <= {P(1), P(2)}, {P(1), P(2)} > {P(2)}, {P(1)}.issubset([P(1)]), {P(1)}.isdisjoint({P(1)}))
print({**{P(1): 1}, **{P(1): 2}}, {P(1): 1} | {P(1): 3}, {x: 0 for x in [P(1), P(1)]}, {x for x in [P(2), P(2)]})
print({1: P(1)} == {1: P(1)}, {1: P(1)} != {1: P(2)}, [P(1)] == [P(1)], (P(1),) == (P(1),))
print(dict.fromkeys([P(1), P(1)]), {P(1): 1}.items() == {(P(1), 1)}, (P(1), 1) in {P(1): 1}.items())
q = {P(1): 'x'}; q.update({P(1): 'y'}); q.update([(P(1), 'z')]); print(q)
s = {P(1)}; s |= {P(1), P(2)}; s.update([P(2), P(3)]); print(len(s)); s -= {P(1)}; print(len(s)); s &= {P(2)}; print(s)
