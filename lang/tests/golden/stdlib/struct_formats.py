import struct

print(struct.pack("<hi", 1, 2), struct.pack("!H", 80), struct.unpack(">I", b"\x00\x00\x01\x00"))
print(struct.calcsize("@bq"), struct.calcsize("<bq"), struct.calcsize("!HHI"), struct.calcsize("@bhi"), struct.calcsize("2x3s"))
print(struct.pack("@bi", 1, 2), struct.pack("=bi", 1, 2), struct.pack(">q", -2), struct.pack("<Q", 2**64 - 1))
s = struct.Struct("!HH")
print(s.size, s.format, s.pack(1, 2), s.unpack(b"\x00\x01\x00\x02"))
print(list(struct.iter_unpack("<h", b"\x01\x00\x02\x00")), list(s.iter_unpack(b"\x00\x01\x00\x02" * 2)))
print(struct.unpack_from("<h", b"\x00\x01\x00", 1), struct.unpack_from("!I", bytearray(b"xx\x00\x00\x00\x07"), offset=2))
print(struct.pack("<e", 1.5), struct.pack(">d", 0.1), struct.unpack(">f", struct.pack(">f", 0.1)), struct.unpack("<e", b"\x00\x7c"))
print(struct.pack("5p", b"ab"), struct.pack("3s", b"abcdef"), struct.unpack("?c2s", b"\x02xab"), struct.pack("?", []))
print(struct.unpack("<bBhHiIqQ", struct.pack("<bBhHiIqQ", -1, 255, -2, 65535, -3, 2**32 - 1, -4, 2**63)))
print(struct.pack("!4B", *b"\x7f\x00\x00\x01"), struct.unpack("!BBH", b"\x45\x00\x00\x54"))
header = struct.Struct("!I")
msg = "héllo".encode()
frame = header.pack(len(msg)) + msg
(n,) = header.unpack(frame[:header.size])
print(n, frame[header.size:].decode())
ba = bytearray(6)
struct.pack_into("<H", ba, 2, 0xffee)
print(ba)
print(struct.error, issubclass(struct.error, Exception))
for f, v in [("b", 200), ("B", -1), ("h", 1 << 20), ("<H", -1), (">H", -1), (">h", 40000), ("i", 1 << 40),
             ("<I", -1), ("<I", 1 << 40), ("<l", 1 << 40), ("q", 1 << 70), (">q", 1 << 70), (">Q", -1),
             ("i", "x"), ("i", 1.5), ("c", b"ab"), ("s", "abc"), ("d", "x"), ("e", 1e10), ("<f", 1e300)]:
    try:
        struct.pack(f, v)
    except (struct.error, OverflowError) as e:
        print(f, type(e).__name__, e)
for fmt, data in [("<i", b"ab"), ("<i", b"abcdef"), ("z", b""), ("3", b""), ("<P", b"")]:
    try:
        struct.unpack(fmt, data)
    except struct.error as e:
        print(fmt, e)
for call in [lambda: struct.pack("ii", 1), lambda: struct.pack("i", 1, 2),
             lambda: struct.unpack_from("<ii", b"123456", 4), lambda: struct.unpack_from("<ii", b"123456", -10),
             lambda: list(struct.iter_unpack("<i", b"12345")), lambda: struct.iter_unpack("", b""),
             lambda: struct.pack_into("<i", bytearray(2), 0, 1), lambda: struct.unpack("i", "abcd")]:
    try:
        call()
    except (struct.error, TypeError) as e:
        print(type(e).__name__, e)
