def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)

print(fact(20), fact(30))
for i in range(3):
    if i == 1:
        continue
    print("i", i)
else:
    print("for-else")
n = 0
while n < 10:
    n += 3
    if n > 6:
        break
else:
    print("never")
print("n", n)
a, (b, c), *rest = 1, (2, 3), 4, 5
print(a, b, c, rest)
first, *middle, last = "hello"
print(first, middle, last)
squares = [i * i for i in range(6) if i % 2 == 0]
pairs = {k: v for k, v in zip("abc", range(3))}
uniq = {c for c in "mississippi"}
gen = sum(x for x in range(101))
print(squares, pairs, sorted(uniq), gen)
print(1 < 2 < 3, 1 < 3 < 2, 2 == 2.0, "a" if 0 else "b", [] or "empty", 0 and 1)

def counter():
    count = 0
    def inc(step=1):
        nonlocal count
        count += step
        return count
    return inc

c = counter()
c(); c(5)
print(c(), c.__name__)
total = 0
def add(v):
    global total
    total += v
add(4); add(6)
print(total)

def gen_fn(n):
    for i in range(n):
        got = yield i
        if got:
            print("sent", got)
    return "done"

g = gen_fn(3)
print(next(g), g.send("x"), list(g))
def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
f = fib()
print([next(f) for _ in range(10)])
def kw(a, b=2, *args, c, d=4, **kwargs):
    return (a, b, args, c, d, kwargs)
print(kw(1, c=3), kw(1, 2, 3, 4, c=5, e=6), kw(*[1, 2], **{"c": 0}))
print((lambda x, y=1: x + y)(5), list(filter(lambda v: v % 2, range(7))))
s = "a,b,,c"
print(s.split(","), "-".join(["x", "y"]), "  pad ".strip(), "Hi".upper(), "a b".title())
data = b"HTTP/1.1 200 OK\r\n\r\nbody"
header, body = data.split(b"\r\n\r\n", 1)
print(header.decode("utf-8").splitlines()[0], body, len(body))
print("你好".encode("gbk"), "你好".encode(), b"\xc4\xe3\xba\xc3".decode("gbk"))
assert n == 9, "n should be 9"
lst = [5, 3, 8]
lst.sort()
lst.append(1)
print(lst, lst.pop(), lst.index(8), lst.count(3), lst[-1])
try:
    pass
finally:
    print("finally runs")
with open("golden_tmp.txt", "w") as fh:
    fh.write("line1\nline2\n")
with open("golden_tmp.txt") as fh:
    print([l.rstrip() for l in fh])
with open("golden_tmp.txt", "rb") as fh:
    print(fh.read())
if __name__ == "__main__":
    print("main!")
