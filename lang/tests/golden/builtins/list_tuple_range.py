# list, tuple and range
def t(label, f):
    try:
        print(label, repr(f()))
    except Exception as e:
        print(label, type(e).__name__ + ":", e)

a = [3, 1, 2]
a.append(5)
a.extend((7, 8))
a.extend(range(2))
a.insert(0, 9)
a.insert(-1, 4)
a.insert(100, 6)
print(a)
print(a.pop(), a.pop(0), a.pop(-2), a)
a.remove(7)
print(a, a.index(2), a.index(1, 3), a.count(1))
a.sort()
print(a)
a.sort(reverse=True)
print(a)
a.reverse()
print(a)
b = a.copy()
a.clear()
print(a, b)
words = ["banana", "Apple", "cherry", "apple", "Banana"]
print(sorted(words), sorted(words, key=str.lower), sorted(words, key=len, reverse=True))
pairs = [(2, "b"), (1, "z"), (2, "a"), (1, "y")]
print(sorted(pairs, key=lambda p: p[0]), sorted(pairs, key=lambda p: p[0], reverse=True))
big = [(i * 7919) % 101 for i in range(60)]
print(sorted(big) == list(range(101)) or sorted(big)[:10], sorted(big, reverse=True)[:5])
t("pop empty", lambda: [].pop())
t("pop range", lambda: [1].pop(5))
t("remove missing", lambda: [1].remove(2))
t("index missing", lambda: [1, 2].index(3))
t("index str missing", lambda: ["a"].index("b"))
t("sort mixed", lambda: [1, "a", 2].sort())
t("sort positional", lambda: [1].sort(True))
t("sorted mixed", lambda: sorted([None, 1]))
t("insert one", lambda: [].insert(1))
t("append none", lambda: [].append())
x = list(range(10))
print(x[2:8:2], x[::-1], x[-3:], x[:-7:-2], x[100:], x[5:2])
x[2:5] = ["a", "b"]
print(x)
x[::3] = [0, 0, 0]
print(x)
t("ext slice size", lambda: x.__setitem__(slice(None, None, 2), [1]))
del x[1]
del x[::2]
print(x)
y = [1, 2, 3]
del y[:]
print(y)
print([1, 2] + [3], [0] * 3, [1, 2] < [1, 3], [1, 2] == [1, 2], [2] > [1, 9], [[]] * 2)
t("list + tuple", lambda: [1] + (2,))
one = [1]
t("list index str", lambda: one["a"])
t("list index range", lambda: [1][3])
t("list()", lambda: (list("abc"), list((1, 2)), list({"a": 1}), list(range(3)), list()))
t("list not iterable", lambda: list(5))
z = [1]
z += (2, 3)
z *= 2
print(z)
t = (1, 2, 3, 2)
print(t.count(2), t.index(3), t[1:], t + (4,), t * 2, (1,), (), tuple([1]), tuple("ab"))
try:
    t.index(9)
except ValueError as e:
    print("tuple.index:", e)
try:
    t[0] = 1
except TypeError as e:
    print("tuple assign:", e)
r = range(10, 0, -3)
print(r, list(r), len(r), r[1], r[-1], r[1:3], 4 in r, 5 in r, r.index(7), r.count(4))
print(range(5), range(0), list(range(0)), range(1, 10, 2)[::-1], list(range(-5)))
print(list(reversed(range(1, 10, 3))), range(3) == range(0, 3), range(0) == range(5, 5))
try:
    range(1, 2, 0)
except ValueError as e:
    print("range step:", e)
try:
    range(1.5)
except TypeError as e:
    print("range float:", e)
try:
    range(5).index(9)
except ValueError as e:
    print("range.index:", e)
try:
    range(3)[5]
except IndexError as e:
    print("range index:", e)
