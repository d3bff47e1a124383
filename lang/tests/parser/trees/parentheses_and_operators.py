x = -(a)
y = (a) * (b)
z = not (a)
f((a), b=(c))
(a)[1]
((a, b))
def g():
    x = (yield)
    y = (yield 1)
    await_ = 1
a[*b]
a[*b, c]
a[1:2, *c]
print(*a, sep='')
f = (lambda x: (x))
v = (a if (b) else (c))
w = (a) < (b) < (c)
u = (a) and (b) or (c)
s = ('abc'
     'def')
t = ("a"
     f"{x}"
     'c')
q = [
    1,
    2,
]
r = {
    'a': (1),
    **(d),
}
n = a.b.c(d)[e](f)
m = x if y else (z)
k = (x := 5)
j = [y for (y) in (z)]
i = -1 ** 2
h = (-1) ** 2
g2 = ~x ** -y
e2 = a @ b
d2 = a // b % c
c2 = a << 1 | b >> 2 & c ^ d
b2 = not a in b
a2 = a is not None
implicit = (a == b), (c == d)
for (x), y in z: pass
v = w[(1), 2]
