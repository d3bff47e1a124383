print("hello", "world", sep=", ", end="!\n")
print(1, -2, 3.0, 1e16, 1e-5, 0.1 + 0.2, -0.0, float('inf'), float('nan'), 2**100)
print(repr("it's"), repr('say "hi"'), repr("tab\there\n"), repr("你好"))
print(b"bytes\x00\xff\n", bytearray(b"ab"), [1, "a", None], (1,), (), {"k": [1, 2]}, {1, 2, 3}, set())
print(True, False, None, ..., 7 // 2, -7 // 2, 7 % -3, 2 ** -1, 10 / 4)
print(f"{3.14159:.2f} {42:>5} {42:<5}| {'x':^7} {255:x} {255:#o} {1234567:,} {0.5:%}")
print("%s and %r, %d%%, %5.1f, %-4s|" % ("a", "b", 42, 3.14159, "x"))
print(b"%s:%d" % (b"GET", 200))
print(str(12), str(1.5), str(None), str(b"x"), int("42"), float("2.5"), int(3.9), int("-0x1f", 16))
print(len("héllo"), "héllo"[1], "abcdef"[1:4], "abcdef"[::-1], "abcdef"[-2:], [1, 2, 3, 4][::2])
x = 10
print(f"{x=}", f"{x!r:>4}", f"{'a' + 'b'}")
print(divmod(17, 5), abs(-3), round(2.675, 2), max(3, 1, 2), min([4, 5]), sum([1, 2, 3]))
print(sorted([3, 1, 2], reverse=True), list(range(5)), list(range(10, 0, -3)))
print(list(zip("ab", [1, 2])), list(enumerate("xy", 1)), list(map(str, [1, 2])))
print(hex(255), oct(8), bin(5), chr(65), ord("a"), hash(1) == hash(1.0))
print(isinstance(True, int), type(1), type("s"), type(None).__name__, type([]) is list)
d = {"a": 1, "b": 2}
d["c"] = 3
del d["a"]
print(d, list(d.keys()), list(d.values()), list(d.items()), d.get("z", 0), "b" in d)
print({1: 'a', 1.0: 'b', True: 'c'})
