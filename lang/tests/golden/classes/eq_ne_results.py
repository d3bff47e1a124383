class A:
    def __eq__(s, o): return "raw"
    def __ne__(s, o): return "rawne"
a = A()
print(a == 1, a != 1, 1 == a, 1 != a, a == a)
class B:
    def __init__(s, v): s.v = v
    def __eq__(s, o):
        if not isinstance(o, B): return NotImplemented
        return s.v == o.v
print(B(1) == B(1), B(1) != B(2), B(1) != B(1), B(1) == 1, B(1) != 1, [B(1)] == [B(1)], B(1) in [B(1)])
class V:
    def __init__(s, v): s.v = v
    def __eq__(s, o): return V(s.v == o.v)
    def __bool__(s): return bool(s.v)
    def __repr__(s): return f"V({s.v})"
print(V(1) == V(1), V(1) != V(2), V(1) in [V(1)])
