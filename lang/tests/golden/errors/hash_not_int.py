class K:
    def __hash__(s):
        return 1.5
s = set()
s.add(K())
