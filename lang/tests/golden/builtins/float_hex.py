# float.hex / float.fromhex, rounding at the subnormal and overflow edges
vals = ["0x1.8p1", "0x1p-1074", "0x1p-1075", "0x1.8p-1075", "0x3p-1076", "0x1.fffffffffffff8p1023", "0x1.fffffffffffff7p1023", "0x1p1024", "-0x1.0p0", "  0X1P+3 ", "inf", "-Infinity", "nan", "1", "0x.8", "0x8.", "ff", "0x1.00000000000008p0", "0x1.00000000000018p0", "0x1.000000000000081p0", "0x0p0", "-0x0p0", "0x", "0x.p1", "0x1p", "1e3", "0x1.921fb54442d18p+1", "0x1p-1022", "0x0.fffffffffffffp-1022", "0x1p+99999999999999999999", "0x1p-99999999999999999999"]
for v in vals:
    try:
        r = float.fromhex(v)
        print(repr(v), repr(r), r.hex() if r == r else "")
    except Exception as e:
        print(repr(v), type(e).__name__, e)
for x in [0.1, 1/3, 1e300, 5e-324, 2.5, -0.0]:
    print(float.fromhex(x.hex()) == x, x.hex())
