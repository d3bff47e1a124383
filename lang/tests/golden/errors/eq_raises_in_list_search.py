class Bad:
    def __eq__(self, other):
        raise RuntimeError("boom")
    __hash__ = object.__hash__
items = [1, Bad()]
try:
    items.remove(5)
except RuntimeError as e:
    print("caught", e)
s = {Bad()}
print(len(s), 3 in s)
def check():
    return Bad() in [1, 2]
check()
