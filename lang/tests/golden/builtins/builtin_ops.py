# Operators on builtin types: view equality, bool bit ops, del/slice-assign on bytearray, set literals and set operators in CPython's order
d = {"a": 1, "b": 2}
print(d.keys() == {"a", "b"}, d.items() == {("a", 1), ("b", 2)}, d.values() == d.values(), {"a", "b"} == d.keys(), d.keys() != {"a"})
print(True & False, True | False, True ^ True, True & 1)
b = bytearray(b"0123456789")
del b[0]
del b[-1]
del b[2:4]
del b[::2]
print(b)
b[0:1] = [65, 66]
print(b, bytearray(b"it's"), bytearray(b'"'))
try:
    b[0:1] = 5
except TypeError as e:
    print(e)
print({3, 1, 2}, {10, 2, 8} | {1}, {5, 3} & {3, 5, 9}, {9, 8, 7} - {8}, {1, 2} ^ {2, 9})
s = {30, 20}
s |= {10}
print(s, {(2, 1), (1, 2)}, {0.5, 0.25})
