# bytearray mutation
def t(label, f):
    try:
        print(label, repr(f()))
    except Exception as e:
        print(label, type(e).__name__ + ":", e)

ba = bytearray(b"hello")
ba.append(33)
print(ba)
ba.extend(b" world")
ba.extend([65, 66])
print(ba, len(ba))
ba += b"!!"
print(ba)
ba[0] = 72
ba[1:3] = b"EL"
print(ba)
ba[0:0] = b">>"
print(ba)
print(ba.pop(), ba.pop(0), ba)
ba.insert(1, 60)
ba.remove(60)
print(ba)
ba.reverse()
print(ba)
c = ba.copy()
ba.clear()
print(ba, c[:3], bytes(c[:3]))
t("append big", lambda: bytearray().append(256))
t("append str", lambda: bytearray().append("a"))
t("setitem big", lambda: bytearray(b"a").__setitem__(0, 300))
t("pop empty", lambda: bytearray().pop())
t("remove missing", lambda: bytearray(b"a").remove(98))
t("extend str", lambda: bytearray().extend("ab"))
t("upper type", lambda: bytearray(b"ab").upper())
t("split type", lambda: bytearray(b"a b").split())
t("decode", lambda: bytearray("中".encode()).decode())
t("from str", lambda: bytearray("é", "utf-8"))
t("index err", lambda: bytearray(b"a")[5])
x = bytearray(4)
x[1] = 0xff
print(x, x == b"\x00\xff\x00\x00", bytes(x).hex())
