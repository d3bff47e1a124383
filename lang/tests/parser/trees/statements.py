for i, (a, b) in enumerate(x): pass
for [a, *b] in c: pass
for x, in y: pass
with a as b.c, d as e[0]: pass
with (a, b): pass
with (a, b) as c: pass
def gen():
    with (yield): pass
x = y = z = 0
x, y = y, x
x, = y
[x] = y
(x) = y
x[0], x.y = 1, 2
*a, b = c
a, *b = c
del x, y[0], z.a, (p, q), [r]
assert x, (y, z)
raise E() from e
import a.b.c
import a.b.c as d
from .. import x
from .a import (b as c)
from ...a.b import *
if a:
    pass
elif b:
    pass
elif c:
    pass
else:
    pass
while 1:
    break
else:
    pass
x = 1; y = 2;
if x: y = 1; z = 2
