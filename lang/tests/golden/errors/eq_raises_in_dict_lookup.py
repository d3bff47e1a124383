class P:
    def __init__(s, x): s.x = x
    def __eq__(s, o):
        if s.x == 3:
            raise ValueError("bad eq")
        return s.x == o.x
    def __hash__(s):
        return 0
d = {P(1): 1, P(3): 2}
print(len(d))
d[P(5)]
