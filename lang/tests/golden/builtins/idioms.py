# Idioms from socket tutorials that lean on the builtins
data = b"HELLO 42 world\r\n"
text = data.decode().strip()
cmd, num, rest = text.split(" ", 2)
print(cmd.lower(), int(num) + 1, rest.title(), text.split())
addr = ("127.0.0.1", 8080)
print("{}:{}".format(*addr), "%s:%d" % addr, f"{addr[0]}:{addr[1]}")
print("Connected by", addr)
print(*[1, 2, 3], sep=", ")
counts = {}
for word in "the cat and the hat and the bat".split():
    counts[word] = counts.get(word, 0) + 1
print(counts)
print(sorted(counts.items(), key=lambda kv: kv[1], reverse=True))
print(max(counts, key=counts.get), min(counts.values()), sum(counts.values()))
print(dict(sorted(counts.items())), list(counts), len(counts.keys()))
print(str(counts.keys()), f"{counts.values()}", repr(counts.items()))
for i, (k, v) in enumerate(counts.items(), 1):
    print(i, k, v)
header = b"\x00\x00\x00\x0c" + b"hello, world"
length = int.from_bytes(header[:4], "big")
print(length, header[4:4 + length].decode(), len(header))
print(length.to_bytes(4, "big") + b"payload")
msg = "你好, socket"
enc = msg.encode("utf-8")
print(len(msg), len(enc), enc, enc.decode("utf-8") == msg)
print(msg.encode("gbk"), msg.encode("gbk").decode("gbk"))
print(" ".join(reversed("a b c".split())), any(c.isdigit() for c in "ab3"), all(c.isalpha() for c in "ab3"))
clients = [("10.0.0.2", 5000), ("10.0.0.1", 6000)]
print(sorted(clients), [f"{h}:{p}" for h, p in clients], {h for h, _ in clients} == {"10.0.0.1", "10.0.0.2"})
print("|".join(map(str, range(5))), list(filter(str.isdigit, ["1", "a", "22"])))
line = "GET /path?x=1 HTTP/1.1"
method, path, version = line.split()
print(method, path.partition("?"), version.rsplit("/", 1)[-1])
headers = "Host: example.com\r\nUser-Agent: test\r\n\r\n"
parsed = dict(h.split(": ", 1) for h in headers.strip().split("\r\n"))
print(parsed)
print("%-10s|%5.1f%%|%05d" % ("name", 12.345, 42))
print("{:<10}|{:^6}|{:>8.2f}".format("left", "mid", 3.14159))
print(round(3.14159, 2), round(2.5), divmod(125, 60), abs(-7), pow(2, 8), hex(255), bin(10), oct(64))
print(chr(ord("a") + 1), ord("\n"), [hex(b) for b in b"\x01\xff"], bytes([104, 105]))
print(isinstance(data, (bytes, bytearray)), type(text).__name__, callable(print))
buf = bytearray()
for chunk in [b"ab", b"cd", b"ef"]:
    buf += chunk
print(buf, bytes(buf), buf.decode(), len(buf), buf[:2], buf.find(b"cd"))
nums = [5, 3, 8, 1]
nums.sort()
print(nums, nums[::-1], nums[-1], nums.index(8), sum(nums) / len(nums))
print(list(zip(["a", "b"], [1, 2])), dict(zip(["a", "b"], [1, 2])))
matrix = [[1, 2], [3, 4]]
print([list(r) for r in zip(*matrix)], sum(sum(r) for r in matrix))
print("done".center(20, "="))
