"""Generates ../unicode_tables.rs from CPython 3.11's own str predicates (Unicode 14.0).

Run: python3 lang/src/text/gen/unicode_tables.py > lang/src/text/unicode_tables.rs

Case properties and mappings come from Rust's `char` methods, except where they disagree
with CPython (Rust follows a newer Unicode); `rust_case_dump.rs` is compiled with the
current `rustc` to list those exceptions, so regenerate after a Rust toolchain update.
"""
import os
import subprocess
import sys
import tempfile
import unicodedata

assert sys.version_info[:2] == (3, 11), "tables must match CPython 3.11"
MAX = 0x110000


def ranges(pred):
    out, start = [], None
    for cp in range(MAX):
        ok = pred(chr(cp))
        if ok and start is None:
            start = cp
        elif not ok and start is not None:
            out.append((start, cp - 1))
            start = None
    if start is not None:
        out.append((start, MAX - 1))
    return out


def emit(name, doc, rs):
    print(f"/// {doc}")
    print(f"pub(crate) static {name}: &[(u32, u32)] = &[")
    line = "   "
    for a, b in rs:
        item = f" (0x{a:X}, 0x{b:X}),"
        if len(line) + len(item) > 99:
            print(line)
            line = "   "
        line += item
    print(line)
    print("];")
    print()


print("//! Unicode character classes as CPython 3.11 sees them (Unicode %s); generated, do not edit." % unicodedata.unidata_version)
print("//!")
print("//! Regenerate with `python3 lang/src/text/gen/unicode_tables.py > lang/src/text/unicode_tables.rs`.")
print("//! Each table is a sorted list of inclusive code point ranges.")
print()
emit("NON_PRINTABLE", "Code points for which `str.isprintable()` is false.", ranges(lambda c: not c.isprintable()))
emit("ALPHA", "Code points for which `str.isalpha()` is true.", ranges(str.isalpha))
emit("DECIMAL", "Code points for which `str.isdecimal()` is true.", ranges(str.isdecimal))
emit("DIGIT", "Code points for which `str.isdigit()` is true.", ranges(str.isdigit))
emit("NUMERIC", "Code points for which `str.isnumeric()` is true.", ranges(str.isnumeric))
emit("SPACE", "Code points for which `str.isspace()` is true.", ranges(str.isspace))
emit("TITLE", "Titlecase letters (category Lt), which `istitle` and `islower` treat specially.",
     ranges(lambda c: unicodedata.category(c) == "Lt"))
emit("ID_START", "Code points that may start an identifier (`c.isidentifier()`).", ranges(str.isidentifier))
emit("ID_CONTINUE", "Code points that may continue an identifier (`('a' + c).isidentifier()`).",
     ranges(lambda c: ("a" + c).isidentifier()))

# Decimal digit values: every Nd run is ten consecutive code points 0..9.
zeros = []
for a, b in ranges(str.isdecimal):
    for z in range(a, b + 1, 10):
        assert [unicodedata.decimal(chr(z + i)) for i in range(10)] == list(range(10)), hex(z)
        zeros.append(z)
print("/// The digit zero of every run of ten decimal digits (value = code point - zero).")
print("pub(crate) static DECIMAL_ZEROS: &[u32] = &[")
for i in range(0, len(zeros), 10):
    print("    " + " ".join(f"0x{z:X}," for z in zeros[i:i + 10]))
print("];")
print()

# Characters whose case mapping differs from a one-char map that Rust reproduces:
# title case differs from upper case for these.
tit = [(ord(c), c.title()) for c in map(chr, range(MAX)) if c.title() != c.upper()]
print("/// Characters whose `str.title()` mapping differs from their `str.upper()` mapping.")
print("pub(crate) static TITLE_MAP: &[(u32, &str)] = &[")
for cp, s in tit:
    esc = "".join("\\u{%X}" % ord(x) for x in s)
    print(f'    (0x{cp:X}, "{esc}"),')
print("];")


def rust_case_dump():
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "dump")
        subprocess.run(["rustc", "-O", "-o", exe, os.path.join(here, "rust_case_dump.rs")], check=True)
        text = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    rows = {}
    for line in text.splitlines():
        cp, up, lo, umap, lmap = line.split(" ")
        dec = lambda m: "".join(chr(int(x, 16)) for x in m.split("+"))
        rows[int(cp, 16)] = (up == "1", lo == "1", dec(umap), dec(lmap))
    return rows


def esc(text):
    return "".join("\\u{%X}" % ord(x) for x in text)


rust = rust_case_dump()
flags, uppers, lowers = [], [], []
for cp, (r_up, r_lo, r_umap, r_lmap) in sorted(rust.items()):
    c = chr(cp)
    py_up, py_lo = c.isupper(), c.islower()
    if (py_up, py_lo) != (r_up, r_lo):
        flags.append((cp, py_up, py_lo))
    if c.upper() != r_umap:
        uppers.append((cp, c.upper()))
    if c.lower() != r_lmap:
        lowers.append((cp, c.lower()))
print()
print("/// Where CPython's `isupper`/`islower` of one character disagree with Rust's `char` methods:")
print("/// `(code point, upper, lower)`.")
print("pub(crate) static CASE_FLAG_EXCEPTIONS: &[(u32, bool, bool)] = &[")
for cp, up, lo in flags:
    print(f"    (0x{cp:X}, {str(up).lower()}, {str(lo).lower()}),")
print("];")
print()
print("/// Where CPython's `upper()` of one character differs from Rust's `to_uppercase`.")
print("pub(crate) static UPPER_EXCEPTIONS: &[(u32, &str)] = &[")
for cp, m in uppers:
    print(f'    (0x{cp:X}, "{esc(m)}"),')
print("];")
print()
print("/// Where CPython's `lower()` of one character differs from Rust's `to_lowercase`.")
print("pub(crate) static LOWER_EXCEPTIONS: &[(u32, &str)] = &[")
for cp, m in lowers:
    print(f'    (0x{cp:X}, "{esc(m)}"),')
print("];")
