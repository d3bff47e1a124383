# str.format / format_map / format() / f-strings / % formatting
class P:
    def __init__(self):
        self.x = 3
        self.items = [10, 20]
    def __repr__(self):
        return "P()"
    def __str__(self):
        return "p-str"

def t(label, f):
    try:
        print(label, repr(f()))
    except Exception as e:
        print(label, type(e).__name__ + ":", e)

p = P()
t("auto", lambda: "{} + {} = {}".format(1, 2, 3))
t("manual", lambda: "{1} {0} {1}".format("a", "b"))
t("named", lambda: "{name} is {age}".format(name="Bob", age=30))
t("attr", lambda: "{0.x} {0.items[1]}".format(p))
t("index", lambda: "{0[1]} {d[k]}".format([5, 6], d={"k": "v"}))
t("conv", lambda: "{!r} {!s} {!a}".format("é", p, "é"))
t("spec", lambda: "{:>5}|{:<5}|{:^5}|{:*^7}".format("a", "b", "c", "d"))
t("num spec", lambda: "{:08.3f} {:x} {:#x} {:o} {:b} {:,} {:e} {:.2%} {:+d}".format(3.14159, 255, 255, 8, 5, 1234567, 12345.678, 0.1234, 5))
t("nested", lambda: "{:{w}.{p}f}".format(3.14159, w=10, p=2))
t("braces", lambda: "{{}} {{{}}}".format(1))
t("missing pos", lambda: "{} {}".format(1))
t("missing kw", lambda: "{x}".format(y=1))
t("mix", lambda: "{} {0}".format(1, 2))
t("bad brace", lambda: "{".format())
t("single close", lambda: "}".format())
t("bad spec", lambda: "{:d}".format("x"))
t("format_map", lambda: "{a}-{b}".format_map({"a": 1, "b": 2}))
t("format()", lambda: (format(3.5, ".1f"), format(42, "05d"), format("x", ">3"), format(255, "X"), format(1e16), format(True), format(None)))
t("format obj spec", lambda: format(p, "10"))
t("fstring", lambda: f"{p.x:>4}|{p!r}|{3.0:g}|{10/3:.3}|{'q'!r}")
t("percent", lambda: "%s=%d (%5.2f) %r %x %%" % ("k", 42, 3.14159, "s", 255))
t("percent dict", lambda: "%(a)s-%(b)03d" % {"a": "x", "b": 7})
t("percent few", lambda: "%s %s" % ("a",))
t("percent many", lambda: "%s" % ("a", "b"))
t("percent type", lambda: "%d" % "x")
t("bytes percent", lambda: b"%s:%d %x" % (b"ab", 5, 255))
t("repr floats", lambda: [0.1, 1e16, 1e-5, 123456789012345678.0, -0.0, float("inf"), float("nan"), 1.0, 2.5e-300, 1/3])
t("str floats", lambda: str(1e22) + " " + str(1.5e-7) + " " + str(100.0))
