class K:
    def __hash__(s):
        raise RuntimeError("no hash")
def f():
    return {K(): 1}
f()
