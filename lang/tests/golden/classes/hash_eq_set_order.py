class P:
    def __init__(s, x): s.x = x
    def __eq__(s, o): return isinstance(o, P) and s.x == o.x
    def __hash__(s): return hash(s.x)
    def __repr__(s): return f"P({s.x})"
print({P(3), P(1), P(2)}, {P(10), P(2), P(33), P(-1)}, set([P(20), P(4)]))
s = {P(5), P(3)}
s.add(P(1)); s.add(P(100))
print(s, {P(3), P(1)} | {P(2)}, {(P(2), 1), (P(1), 1)})
