//! Tests of `socklab_lang::text`: every expected value is what CPython 3.11 prints for the
//! same input, computed by running `python3` on a batch of cases (plus a few literals).

use num_bigint::BigInt;
use socklab_lang::text::codec::{self, CodecError};
use socklab_lang::text::format::{
    format_float, format_int, format_str, render_template, FormatSpec, TemplateArgs,
};
use socklab_lang::text::percent::{self, ArgValue, Key, PercentArgs, PercentError};
use socklab_lang::text::{arith, bytes, float, int, json, repr, strings};
use std::io::Write;
use std::process::{Command, Stdio};

/// Python helpers the case expressions use; every expression evaluates to a str.
const PRELUDE: &str = r#"
import sys, struct
def S(h): return bytes.fromhex(h).decode('utf-8')
def B(h): return bytes.fromhex(h)
def F(h): return struct.unpack('>d', bytes.fromhex(h))[0]
def X(f):
    try:
        return f()
    except Exception as e:
        return type(e).__name__ + ': ' + str(e)
out = []
for line in sys.stdin.read().split('\n'):
    if line:
        out.append(eval(line).encode('utf-8', 'surrogatepass').hex())
sys.stdout.write('\n'.join(out))
"#;

/// A batch of cases: a Python expression and what socklab computed for it.
#[derive(Default)]
struct Py {
    cases: Vec<(String, String)>,
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02x}")).collect()
}

/// A Python expression for the str `s`.
fn s(text: &str) -> String {
    format!("S('{}')", hex(text.as_bytes()))
}

/// A Python expression for the bytes `b`.
fn b(bytes: &[u8]) -> String {
    format!("B('{}')", hex(bytes))
}

/// A Python expression for the float `x`, bit for bit.
fn f(x: f64) -> String {
    format!("F('{:016x}')", x.to_bits())
}

impl Py {
    fn case(&mut self, expr: impl Into<String>, got: impl Into<String>) {
        self.cases.push((expr.into(), got.into()));
    }

    /// Runs every case in one python3 process and fails listing the first mismatches.
    fn check(self) {
        assert!(!self.cases.is_empty());
        let mut child = Command::new("python3")
            .args(["-c", PRELUDE])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let input: String = self.cases.iter().map(|(e, _)| format!("{e}\n")).collect();
        let mut stdin = child.stdin.take().expect("stdin");
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let output = child.wait_with_output().expect("python3 finishes");
        writer.join().expect("writer").expect("write cases");
        assert!(
            output.status.success(),
            "python3 failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = String::from_utf8(output.stdout).expect("hex output");
        let lines: Vec<&str> = text.split('\n').collect();
        assert_eq!(lines.len(), self.cases.len(), "one answer per case");
        let mut failures = Vec::new();
        for ((expr, got), line) in self.cases.iter().zip(lines) {
            let bytes: Vec<u8> = (0..line.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&line[i..i + 2], 16).expect("hex"))
                .collect();
            let want = String::from_utf8_lossy(&bytes);
            if *got != want {
                failures.push(describe_difference(expr, &want, got));
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} cases differ from CPython:\n{}",
            failures.len(),
            self.cases.len(),
            failures
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// A failure report: the expression and, for long texts, the neighbourhood of the first difference.
fn describe_difference(expr: &str, want: &str, got: &str) -> String {
    let expr: String = expr.chars().take(200).collect();
    let w: Vec<char> = want.chars().collect();
    let g: Vec<char> = got.chars().collect();
    let first = w.iter().zip(&g).take_while(|(a, b)| a == b).count();
    let from = first.saturating_sub(40);
    let show = |v: &[char]| {
        v[from.min(v.len())..(first + 40).min(v.len())]
            .iter()
            .collect::<String>()
    };
    format!(
        "{expr}\n  first difference at char {first}\n   python: {:?}\n  socklab: {:?}",
        show(&w),
        show(&g)
    )
}

/// A deterministic pseudo-random sequence (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn result_text(r: Result<String, impl std::fmt::Display>, class: &str) -> String {
    match r {
        Ok(s) => s,
        Err(e) => format!("{class}: {e}"),
    }
}

/// Every code point where Unicode assigns anything (planes 0-3 and 14) plus the edges of
/// the private-use planes, in chunks of `size`.
fn unicode_chunks(size: u32) -> Vec<Vec<char>> {
    let ranges = [
        (0u32, 0x32400u32),
        (0xe0000, 0xe1000),
        (0xf0000, 0xf0100),
        (0x10ff00, 0x110000),
    ];
    let mut chunks = Vec::new();
    for (start, end) in ranges {
        let mut cp = start;
        while cp < end {
            chunks.push(
                (cp..(cp + size).min(end))
                    .filter_map(char::from_u32)
                    .collect(),
            );
            cp += size;
        }
    }
    chunks
}

#[test]
fn str_repr_matches_cpython_across_unicode() {
    let mut py = Py::default();
    for chars in unicode_chunks(1024) {
        let chunk: String = chars.into_iter().collect();
        py.case(format!("repr({})", s(&chunk)), repr::str_repr(&chunk));
    }
    for text in [
        "it's",
        "say \"hi\"",
        "both ' and \"",
        "",
        "tab\there\r\n\\",
        "你好，世界",
        "\u{7f}\u{80}\u{a0}\u{ad}\u{200b}\u{2028}\u{3000}\u{feff}\u{e000}\u{1f600}\u{10ffff}",
    ] {
        py.case(format!("repr({})", s(text)), repr::str_repr(text));
        py.case(format!("ascii({})", s(text)), repr::str_ascii(text));
    }
    py.check();
}

#[test]
fn str_repr_literals() {
    assert_eq!(repr::str_repr("it's 你好\n"), "\"it's 你好\\n\"");
    assert_eq!(repr::str_repr("\u{7f}\u{200b}"), "'\\x7f\\u200b'");
    assert_eq!(repr::str_ascii("你"), "'\\u4f60'");
}

#[test]
fn bytes_repr_matches_cpython() {
    let mut py = Py::default();
    let all: Vec<u8> = (0..=255).collect();
    let cases: Vec<&[u8]> = vec![
        &all,
        b"it's",
        b"say \"hi\"",
        b"'\"",
        b"",
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    ];
    for bytes in cases {
        py.case(format!("repr({})", b(bytes)), repr::bytes_repr(bytes));
        py.case(
            format!("repr(bytearray({}))", b(bytes)),
            repr::bytearray_repr(bytes),
        );
    }
    py.check();
    assert_eq!(repr::bytes_repr(b"a\x00'"), "b\"a\\x00'\"");
}

fn interesting_floats() -> Vec<f64> {
    let mut v = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.1,
        0.2,
        0.3,
        1.0 / 3.0,
        2.0 / 3.0,
        100.0,
        1e15,
        1e16,
        1e17,
        9999999999999998.0,
        1e-4,
        1e-5,
        0.00012345,
        123456789.0,
        1e22,
        1e23,
        1.7976931348623157e308,
        5e-324,
        2.2250738585072014e-308,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::NAN,
        0.5,
        1.5,
        2.5,
        0.125,
        0.375,
        2.675,
        1234.5,
        12345.678,
        -1e-7,
        4.56789,
        2e16 + 8.0,
        255.0,
        65.0,
        1e100,
        123.456,
        0.05,
        0.95,
        9.995,
        99.5,
        999999.5,
    ];
    let mut rng = Rng(0x9e3779b97f4a7c15);
    for _ in 0..600 {
        v.push(f64::from_bits(rng.next()));
    }
    // Dyadic values whose exact decimal expansion is short: where shortest-repr ties hide.
    for _ in 0..600 {
        let odd = (rng.below(1 << 20) * 2 + 1) as f64;
        v.push(odd * 2f64.powi(-(rng.below(60) as i32)));
    }
    for _ in 0..300 {
        let mant = (rng.below(2_000_000) as f64) - 1_000_000.0;
        let exp = rng.below(40) as i32 - 20;
        v.push(mant * 10f64.powi(exp));
    }
    v
}

#[test]
fn float_repr_matches_cpython() {
    let mut py = Py::default();
    for x in interesting_floats() {
        py.case(format!("repr({})", f(x)), float::repr(x));
    }
    py.check();
}

#[test]
fn float_repr_literals() {
    assert_eq!(float::repr(1e16), "1e+16");
    assert_eq!(float::repr(1e-5), "1e-05");
    assert_eq!(float::repr(0.1), "0.1");
    assert_eq!(float::repr(100.0), "100.0");
    assert_eq!(float::repr(-0.0), "-0.0");
    assert_eq!(float::repr(f64::INFINITY), "inf");
    assert_eq!(float::repr(f64::NAN), "nan");
}

const FLOAT_SPECS: &[&str] = &[
    "", "e", "E", "f", "F", "g", "G", "%", "n", ".0", ".1", ".3", ".17", ".0e", ".2e", ".10e",
    ".0f", ".1f", ".2f", ".12f", ".0g", ".1g", ".3g", ".10g", ".0%", ".1%", "#", "#g", "#.0f",
    "#.0e", "#.3g", "+", " ", "-", "+.2f", "z", "z.1f", "z.0f", "+z.3g", "10", "<10", "^10", ">10",
    "=10", "010", "010.2f", "*^12.3e", "x<9", "0=+12.3f", ",", ",.2f", "_.3f", "015,.2f", "012_",
    ",.3e", ",g", "#015,.3f", ".40f", ".30e", "20.4%",
];

#[test]
fn float_format_matches_cpython() {
    let mut py = Py::default();
    for x in interesting_floats().into_iter().take(120) {
        for spec in FLOAT_SPECS {
            let got = result_text(float::format(x, spec), "ValueError");
            py.case(format!("X(lambda: format({}, {}))", f(x), s(spec)), got);
        }
    }
    py.check();
}

#[test]
fn float_format_literals() {
    assert_eq!(float::format(4.56789, ".2f").unwrap(), "4.57");
    assert_eq!(float::format(100.0, ".3").unwrap(), "1e+02");
    assert_eq!(float::format(-0.0001, "z.1f").unwrap(), "0.0");
    assert_eq!(float::format(1234.5, "012,.2f").unwrap(), "0,001,234.50");
}

#[test]
fn float_parse_matches_cpython() {
    let inputs = [
        "1",
        "  1_0.5 ",
        "1_000",
        "1__0",
        "_1",
        "1_",
        "1_.5",
        "1._5",
        "1e1_0",
        ".5",
        "5.",
        ".",
        "",
        " ",
        "+1.5",
        "-1.5",
        "++1",
        "inf",
        "-inf",
        "+Infinity",
        "INF",
        "nan",
        "-NaN",
        "nAn",
        "infinit",
        "1e",
        "1e+",
        "1e-5",
        "1E5",
        "0x10",
        "1.5e400",
        "-1e-400",
        "١٢٣.٤",
        "\u{3000}3.5\u{3000}",
        "３.５",
        "12abc",
        "1 2",
        "\t\n7\x0c",
        "1.7976931348623157e308",
        "0.1e-1_0",
        "abc",
        "\u{a0}1",
        "1\u{200b}",
    ];
    let mut py = Py::default();
    for input in inputs {
        let got = match float::parse(input) {
            Some(x) => float::repr(x),
            None => format!("ValueError: {}", float::parse_error(input)),
        };
        py.case(format!("X(lambda: repr(float({})))", s(input)), got);
    }
    py.check();
}

fn big(n: i128) -> BigInt {
    BigInt::from(n)
}

#[test]
fn int_format_matches_cpython() {
    let ints: &[i128] = &[
        0,
        1,
        -1,
        7,
        65,
        255,
        -255,
        1234,
        -1234,
        1234567,
        10i128.pow(30),
        -(2i128.pow(100)),
        0x10ffff,
        0x110000,
    ];
    let specs = [
        "",
        "d",
        "b",
        "o",
        "x",
        "X",
        "#b",
        "#o",
        "#x",
        "#X",
        "n",
        "c",
        "5c",
        "+c",
        "#c",
        ",",
        "_",
        "_b",
        "_x",
        "#_x",
        "#012_x",
        ",x",
        ",b",
        "08,",
        "09,",
        "010,",
        "+",
        " ",
        "-",
        "+08",
        "=+8",
        "x^9",
        "<8",
        ">8",
        "^8",
        "08",
        "0=8",
        "*=8",
        ".2",
        "z",
        "e",
        ".2e",
        "f",
        ".1%",
        "g",
        "G",
        "s",
        "abc",
        ",_",
        "_,",
        ".",
        "\u{e9}",
        ",n",
        "999999999999999999999",
        "0>5",
    ];
    let mut py = Py::default();
    for &n in ints {
        for spec in specs {
            let got = match FormatSpec::parse(spec, "int") {
                Ok(sp) => match format_int(&big(n), &sp) {
                    Ok(s) => s,
                    Err(e) => format!("{}: {}", e.kind.name(), e.message),
                },
                Err(e) => format!("ValueError: {e}"),
            };
            py.case(format!("X(lambda: format({n}, {}))", s(spec)), got);
        }
    }
    py.check();
}

#[test]
fn str_format_matches_cpython() {
    let strs = ["", "ab", "你好", "hello world"];
    let specs = [
        "", "s", "5", "<5", ">5", "^5", "^6", "*^7", "05", "x<05", ".1", "*^7.1", ".0", "10.3s",
        "+", " ", "#", "=", "z", "d", "x", "abc", ",", "_s", ".", "你>6",
    ];
    let mut py = Py::default();
    for text in strs {
        for spec in specs {
            let got = match FormatSpec::parse(spec, "str") {
                Ok(sp) => result_text(format_str(text, &sp), "ValueError"),
                Err(e) => format!("ValueError: {e}"),
            };
            py.case(format!("X(lambda: format({}, {}))", s(text), s(spec)), got);
        }
    }
    py.check();
    let spec = FormatSpec::parse("d", "str").unwrap();
    assert_eq!(
        format_str("x", &spec).unwrap_err().message,
        "Unknown format code 'd' for object of type 'str'"
    );
    let spec = FormatSpec::parse("08.3f", "float").unwrap();
    assert_eq!(format_float(2.5, &spec).unwrap(), "0002.500");
}

fn codec_text(r: Result<String, CodecError>) -> String {
    match r {
        Ok(s) => format!("OK {}", repr::str_repr(&s)),
        Err(e) => format!("{}: {e}", e.class_name()),
    }
}

fn codec_bytes(r: Result<Vec<u8>, CodecError>) -> String {
    match r {
        Ok(b) => format!("OK {}", repr::bytes_repr(&b)),
        Err(e) => format!("{}: {e}", e.class_name()),
    }
}

const DECODE_PY: &str = "(lambda b, c, e: X(lambda: 'OK ' + repr(b.decode(c, e))))";
const ENCODE_PY: &str = "(lambda t, c, e: X(lambda: 'OK ' + repr(t.encode(c, e))))";

#[test]
fn lesson_11_decodes_utf8_bytes_as_gbk() {
    let utf8 = "你好".as_bytes();
    assert_eq!(codec::decode(utf8, "gbk", "strict").unwrap(), "浣犲ソ");
    assert_eq!(
        codec::encode("你好", "gbk", "strict").unwrap(),
        b"\xc4\xe3\xba\xc3"
    );
    let err = codec::decode(b"\xc4\xe3\xba", "utf-8", "strict").unwrap_err();
    assert_eq!(
        err.to_string(),
        "'utf-8' codec can't decode byte 0xc4 in position 0: invalid continuation byte"
    );
    let err = codec::decode(b"abcd\x80", "gbk", "strict").unwrap_err();
    assert_eq!(
        err.to_string(),
        "'gbk' codec can't decode byte 0x80 in position 4: incomplete multibyte sequence"
    );
    let err = codec::encode("你", "ascii", "strict").unwrap_err();
    assert_eq!(
        err.to_string(),
        "'ascii' codec can't encode character '\\u4f60' in position 0: ordinal not in range(128)"
    );
    assert_eq!(
        codec::decode(b"x", "xyz", "strict")
            .unwrap_err()
            .to_string(),
        "unknown encoding: xyz"
    );
}

const CODECS: &[&str] = &[
    "utf-8",
    "UTF8",
    "gbk",
    "cp936",
    "gb2312",
    "gb18030",
    "latin-1",
    "iso-8859-1",
    "ascii",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "UTF-32LE",
    "utf_32_be",
    "utf-8-sig",
];
const ERRORS: &[&str] = &["strict", "ignore", "replace", "backslashreplace", "nosuch"];

#[test]
fn decode_matches_cpython_on_random_bytes() {
    let mut rng = Rng(42);
    let mut py = Py::default();
    let samples: Vec<Vec<u8>> = (0..150)
        .map(|i| {
            let len = rng.below(12) as usize;
            (0..len)
                .map(|_| match i % 3 {
                    // Mostly high bytes with some ASCII and digits: exercises multibyte paths.
                    0 => rng.below(256) as u8,
                    1 => [
                        0x30, 0x39, 0x41, 0x81, 0x8f, 0xa1, 0xc4, 0xd7, 0xe4, 0xed, 0xf0, 0xf4,
                        0xfe, 0xff, 0x80, 0xbd,
                    ][rng.below(16) as usize],
                    _ => 0x80 + rng.below(128) as u8,
                })
                .collect()
        })
        .chain([
            "你好".as_bytes().to_vec(),
            "你好".encode_utf16().flat_map(u16::to_le_bytes).collect(),
            "a你\u{1f600}"
                .chars()
                .flat_map(|c| (c as u32).to_le_bytes())
                .collect(),
            b"\xef\xbb\xbfhi\xff".to_vec(),
            b"\xef\xbb".to_vec(),
            b"a\xef\xbb\xbfb".to_vec(),
            b"\x00\x00\xfe\xff\x00\x00\x00a\x00\x00\xd8\x00".to_vec(),
            b"\x00\xd8\x00\x00\x00\x00\x11\x00ab".to_vec(),
            b"\x00\xd8a\x00".to_vec(),
            b"\xff\xfe\x00\xd8".to_vec(),
            b"\x810\x81".to_vec(),
            b"\xe3\x32\x9a\x35".to_vec(),
        ])
        .collect();
    for bytes in &samples {
        for codec_name in CODECS {
            for errors in ERRORS {
                let got = codec_text(codec::decode(bytes, codec_name, errors));
                py.case(
                    format!(
                        "{DECODE_PY}({}, {}, {})",
                        b(bytes),
                        s(codec_name),
                        s(errors)
                    ),
                    got,
                );
            }
        }
    }
    py.check();
}

#[test]
fn every_two_byte_code_decodes_as_in_cpython() {
    let mut py = Py::default();
    for codec_name in ["gbk", "gb2312", "gb18030"] {
        for lead in 0x80u8..=0xff {
            // One case per lead byte: all its trail bytes, each followed by ASCII so
            // an error shows where it happened and decoding resumes.
            let mut bytes = Vec::new();
            for trail in 0x30u8..=0xff {
                bytes.extend_from_slice(&[lead, trail, b'|']);
            }
            let got = codec_text(codec::decode(&bytes, codec_name, "backslashreplace"));
            py.case(
                format!(
                    "{DECODE_PY}({}, {}, 'backslashreplace')",
                    b(&bytes),
                    s(codec_name)
                ),
                got,
            );
        }
    }
    py.check();
}

#[test]
fn every_bmp_character_encodes_as_in_cpython() {
    let mut py = Py::default();
    for codec_name in ["gbk", "gb2312", "gb18030"] {
        let mut cp = 0x80;
        while cp < 0x10000 {
            let chunk: String = (cp..cp + 2048).filter_map(char::from_u32).collect();
            let got = codec_bytes(codec::encode(&chunk, codec_name, "backslashreplace"));
            py.case(
                format!(
                    "{ENCODE_PY}({}, {}, 'backslashreplace')",
                    s(&chunk),
                    s(codec_name)
                ),
                got,
            );
            cp += 2048;
        }
    }
    py.check();
}

#[test]
fn encode_matches_cpython() {
    let texts = [
        "",
        "hello",
        "你好",
        "a你好b",
        "é€",
        "a\u{1f600}€",
        "ÿĀ",
        "x\u{30fb}\u{2015}\u{b7}\u{2014}",
        "\u{e5e5}\u{1e3f}\u{fe10}\u{10ffff}",
    ];
    let mut py = Py::default();
    for text in texts {
        for codec_name in CODECS {
            for errors in [
                "strict",
                "ignore",
                "replace",
                "backslashreplace",
                "xmlcharrefreplace",
                "nosuch",
            ] {
                let got = codec_bytes(codec::encode(text, codec_name, errors));
                py.case(
                    format!("{ENCODE_PY}({}, {}, {})", s(text), s(codec_name), s(errors)),
                    got,
                );
            }
        }
    }
    for name in [
        "UTF_8",
        "utf 8",
        "Utf-8 ",
        "u8",
        "cp65001",
        "936",
        "ms936",
        "euc-cn",
        "EUC_CN",
        "gb2312-80",
        "us-ascii",
        "ISO-8859-1",
        "latin",
        "l1",
        "chinese",
        "gb18030-2000",
        "646",
        "u16",
        "UTF-16LE",
        "xyz",
        "utf-9",
        "",
    ] {
        let got = codec_bytes(codec::encode("a", name, "strict"));
        py.case(format!("{ENCODE_PY}('a', {}, 'strict')", s(name)), got);
    }
    py.check();
}

/// A small model of Python values, enough to drive `%`-formatting from tests.
#[derive(Clone, Debug)]
enum V {
    Int(i128),
    Float(f64),
    Str(&'static str),
    Bytes(&'static [u8]),
    Bool(bool),
    None,
    List(Vec<V>),
    Tuple(Vec<V>),
    Dict(Vec<(V, V)>),
}

impl V {
    /// The Python expression for this value.
    fn py(&self) -> String {
        match self {
            V::Int(n) => format!("({n})"),
            V::Float(x) => f(*x),
            V::Str(t) => s(t),
            V::Bytes(v) => b(v),
            V::Bool(v) => if *v { "True" } else { "False" }.to_string(),
            V::None => "None".to_string(),
            V::List(items) => format!(
                "[{}]",
                items.iter().map(V::py).collect::<Vec<_>>().join(", ")
            ),
            V::Tuple(items) => format!(
                "({}{})",
                items.iter().map(V::py).collect::<Vec<_>>().join(", "),
                if items.len() == 1 { "," } else { "" }
            ),
            V::Dict(items) => format!(
                "{{{}}}",
                items
                    .iter()
                    .map(|(k, v)| format!("{}: {}", k.py(), v.py()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn repr(&self) -> String {
        match self {
            V::Int(n) => n.to_string(),
            V::Float(x) => float::repr(*x),
            V::Str(t) => repr::str_repr(t),
            V::Bytes(v) => repr::bytes_repr(v),
            V::Bool(v) => if *v { "True" } else { "False" }.to_string(),
            V::None => "None".to_string(),
            V::List(items) => format!(
                "[{}]",
                items.iter().map(V::repr).collect::<Vec<_>>().join(", ")
            ),
            V::Tuple(items) => format!(
                "({}{})",
                items.iter().map(V::repr).collect::<Vec<_>>().join(", "),
                if items.len() == 1 { "," } else { "" }
            ),
            V::Dict(items) => format!(
                "{{{}}}",
                items
                    .iter()
                    .map(|(k, v)| format!("{}: {}", k.repr(), v.repr()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn str(&self) -> String {
        match self {
            V::Str(t) => t.to_string(),
            other => other.repr(),
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            V::Int(_) => "int",
            V::Float(_) => "float",
            V::Str(_) => "str",
            V::Bytes(_) => "bytes",
            V::Bool(_) => "bool",
            V::None => "NoneType",
            V::List(_) => "list",
            V::Tuple(_) => "tuple",
            V::Dict(_) => "dict",
        }
    }
}

struct Operand(V);

impl PercentArgs for Operand {
    type Arg = V;
    type Error = String;

    fn tuple_len(&self) -> Option<usize> {
        match &self.0 {
            V::Tuple(items) => Some(items.len()),
            _ => None,
        }
    }

    fn get(&mut self, index: usize) -> V {
        match &self.0 {
            V::Tuple(items) => items[index].clone(),
            other => other.clone(),
        }
    }

    fn is_mapping(&self) -> bool {
        matches!(self.0, V::Dict(_) | V::List(_))
    }

    fn lookup(&mut self, key: Key<'_>) -> Result<V, String> {
        let (wanted, shown) = match key {
            Key::Str(k) => (k.as_bytes().to_vec(), repr::str_repr(k)),
            Key::Bytes(k) => (k.to_vec(), repr::bytes_repr(k)),
        };
        match &self.0 {
            V::Dict(items) => items
                .iter()
                .find(|(k, _)| match (k, key) {
                    (V::Str(t), Key::Str(_)) => t.as_bytes() == wanted,
                    (V::Bytes(t), Key::Bytes(_)) => *t == wanted,
                    _ => false,
                })
                .map(|(_, v)| v.clone())
                .ok_or(format!("KeyError: {shown}")),
            _ => Err(format!(
                "TypeError: list indices must be integers or slices, not {}",
                if matches!(key, Key::Str(_)) {
                    "str"
                } else {
                    "bytes"
                }
            )),
        }
    }

    fn str(&mut self, arg: &V) -> Result<String, String> {
        Ok(arg.str())
    }

    fn repr(&mut self, arg: &V) -> Result<String, String> {
        Ok(arg.repr())
    }

    fn value(&mut self, arg: &V) -> Result<ArgValue, String> {
        Ok(match arg {
            V::Int(n) => ArgValue::Int(BigInt::from(*n)),
            V::Bool(v) => ArgValue::Int(BigInt::from(u8::from(*v))),
            V::Float(x) => ArgValue::Float(*x),
            V::Str(t) => ArgValue::Str(t.to_string()),
            V::Bytes(v) => ArgValue::Bytes(v.to_vec()),
            _ => ArgValue::Other,
        })
    }

    fn type_name(&mut self, arg: &V) -> String {
        arg.type_name().to_string()
    }
}

fn percent_cases() -> Vec<(&'static str, V)> {
    use V::*;
    let t = |items: Vec<V>| Tuple(items);
    vec![
        ("%s", t(vec![Str("x")])),
        ("%s %s", t(vec![Str("a")])),
        ("%s", t(vec![Str("a"), Str("b")])),
        ("%d", t(vec![Str("1")])),
        ("%d", t(vec![Bytes(b"1")])),
        ("%x", t(vec![Float(1.5)])),
        ("%x", t(vec![Float(3.0)])),
        ("%c", t(vec![Int(300)])),
        ("%c", t(vec![Int(0x110000)])),
        ("%c", t(vec![Int(-1)])),
        ("%c", t(vec![Str("ab")])),
        ("%c", t(vec![Str("")])),
        ("%c", t(vec![Float(1.5)])),
        ("%3c|%-3c|%.3c", t(vec![Int(65), Str("B"), Int(0x4f60)])),
        ("%(a)s", t(vec![Int(1)])),
        ("%y", t(vec![Int(1)])),
        ("%\u{4f60}", t(vec![Int(1)])),
        ("%\x01|%\x7f", t(vec![Int(1)])),
        ("%", t(vec![])),
        ("abc%", t(vec![])),
        ("%(a", Dict(vec![(Str("a"), Int(1))])),
        ("%r %a", t(vec![Str("你"), Str("é")])),
        (
            "%5.1f|%-6d|%06.2f",
            t(vec![Float(4.56789), Int(42), Float(-1.5)]),
        ),
        ("%*d", t(vec![Str("x"), Int(1)])),
        (
            "%*d|%-*d|%*d",
            t(vec![Int(5), Int(1), Int(4), Int(2), Int(-4), Int(3)]),
        ),
        (
            "%.*f|%*.*f",
            t(vec![
                Int(2),
                Float(4.56789),
                Int(-8),
                Int(2),
                Float(4.56789),
            ]),
        ),
        ("%d", t(vec![Float(f64::NAN)])),
        ("%d", t(vec![Float(f64::INFINITY)])),
        ("%f", t(vec![Str("x")])),
        ("%f", t(vec![None])),
        ("%s", Int(5)),
        ("%(a)s %s", Dict(vec![(Str("a"), Int(1))])),
        ("hello", Int(5)),
        ("hello", t(vec![])),
        ("%s %s", Dict(vec![(Str("a"), Int(1))])),
        ("%5%", t(vec![])),
        ("%5%", t(vec![Int(1)])),
        ("%(a)%", Dict(vec![(Str("a"), Int(1))])),
        ("%s%%", t(vec![Int(1)])),
        ("a%%b", Int(5)),
        ("%s", Dict(vec![])),
        ("%s", t(vec![t(vec![])])),
        ("%s", t(vec![t(vec![Int(1), Int(2)])])),
        (
            "%(a)s %(b)r %(a)d",
            Dict(vec![(Str("a"), Int(1)), (Str("b"), Str("x"))]),
        ),
        ("%(c)s", Dict(vec![(Str("a"), Int(1))])),
        ("%(a)s", List(vec![Int(1)])),
        ("%s %s", List(vec![Int(1), Int(2)])),
        ("%05s|%-05d|%05c", t(vec![Str("a"), Int(3), Str("b")])),
        ("%d %s %r", t(vec![Bool(true), Bool(false), None])),
        (
            "%.2s|%10.4r|%-8s|",
            t(vec![Str("abc"), Str("abcdef"), Str("你好")]),
        ),
        ("%i %u", t(vec![Float(3.9), Float(-3.9)])),
        ("%o %x %X", t(vec![Int(-8), Int(-255), Int(255)])),
        (
            "%#5x|%-#8o|%#08x|%#X|%#d",
            t(vec![Int(255), Int(8), Int(255), Int(255), Int(5)]),
        ),
        (
            "%+05d|% d|%-+5d|% 05d|%+ d",
            t(vec![Int(3), Int(4), Int(5), Int(6), Int(7)]),
        ),
        (
            "%.5d|%#.5x|%8.3d|%-8.3x|",
            t(vec![Int(-3), Int(255), Int(-7), Int(10)]),
        ),
        (
            "% 05.1f|%+.0f|%#.0f|%#g|%-8.2e|",
            t(vec![
                Float(1.25),
                Float(2.5),
                Int(3),
                Float(1.0),
                Float(-12.5),
            ]),
        ),
        ("%e %E %g %G %f %F", t(vec![Float(12345.678); 6])),
        (
            "%g %g %g %G",
            t(vec![
                Float(1e-5),
                Float(1e16),
                Float(f64::INFINITY),
                Float(f64::NAN),
            ]),
        ),
        ("%010.3f|%-010.3f|%+010.3f", t(vec![Float(-4.56789); 3])),
        ("%d", t(vec![Int(10i128.pow(30))])),
        ("%x", t(vec![Int(-(2i128.pow(100)))])),
        ("%ld %hd %Lf", t(vec![Int(1), Int(2), Float(3.0)])),
        ("%s", t(vec![List(vec![Int(1), Str("a")])])),
        ("%5s|%-5s|", t(vec![Float(0.1), None])),
        ("%.0s|%.s|", t(vec![Str("abc"), Str("abc")])),
        ("%99999999999999999999d", t(vec![Int(1)])),
        ("%.99999999999999999999d", t(vec![Int(1)])),
        ("%(a)s", Int(1)),
        ("%(a)s", Str("x")),
        ("%s=%05.1f", t(vec![Str("x"), Float(4.57)])),
    ]
}

fn percent_result(r: Result<String, PercentError<String>>) -> String {
    match r {
        Ok(s) => format!("OK {s}"),
        Err(PercentError::Text(e)) => format!("{}: {}", e.kind.name(), e.message),
        Err(PercentError::Arg(e)) => e,
    }
}

#[test]
fn percent_format_str_matches_cpython() {
    let mut py = Py::default();
    for (fmt, operand) in percent_cases() {
        let got = percent_result(percent::format(fmt, &mut Operand(operand.clone())));
        py.case(
            format!("X(lambda: 'OK ' + ({} % {}))", s(fmt), operand.py()),
            got,
        );
    }
    py.check();
}

fn bytes_operand(v: &V) -> V {
    // The same cases for bytes: text arguments become bytes where the conversion is %s.
    match v {
        V::Str(t) if t.is_ascii() => V::Bytes(t.as_bytes().to_vec().leak()),
        V::Tuple(items) => V::Tuple(items.iter().map(bytes_operand).collect()),
        V::Dict(items) => V::Dict(
            items
                .iter()
                .map(|(k, v)| (bytes_operand(k), bytes_operand(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[test]
fn percent_format_bytes_matches_cpython() {
    let mut py = Py::default();
    let mut cases = percent_cases();
    cases.push(("%s", V::Tuple(vec![V::Str("x")])));
    cases.push((
        "%b|%5b|%-5s|",
        V::Tuple(vec![V::Bytes(b"a"), V::Bytes(b"b"), V::Bytes(b"\xff")]),
    ));
    cases.push(("%c%c", V::Tuple(vec![V::Int(255), V::Bytes(b"z")])));
    cases.push(("%c", V::Tuple(vec![V::Int(256)])));
    for (fmt, operand) in cases {
        let fmt = fmt.as_bytes();
        for operand in [operand.clone(), bytes_operand(&operand)] {
            let got = match percent::format_bytes(fmt, &mut Operand(operand.clone())) {
                Ok(out) => format!("OK {}", repr::bytes_repr(&out)),
                Err(e) => percent_result(Err(e)),
            };
            py.case(
                format!("X(lambda: 'OK ' + repr({} % {}))", b(fmt), operand.py()),
                got,
            );
        }
    }
    py.check();
}

#[test]
fn int_parse_matches_cpython() {
    let long_ones = "1".repeat(4301);
    let long_underscored = "1_".repeat(4300) + "1";
    let exactly = "9".repeat(4300);
    let long_hex = "f".repeat(5000);
    let long_a = "a".repeat(300);
    let cases: Vec<(&str, u32)> = vec![
        ("0", 10),
        ("-0", 10),
        ("+17", 10),
        ("  42\n", 10),
        ("1_000", 10),
        ("1__0", 10),
        ("_1", 10),
        ("1_", 10),
        ("abc", 10),
        ("abc", 16),
        ("abc", 0),
        ("abc", 37),
        ("abc", 1),
        ("010", 0),
        ("00", 0),
        ("0_0", 0),
        ("0x1f", 0),
        ("0X1F", 0),
        ("0o17", 0),
        ("0O17", 8),
        ("0b101", 0),
        ("0b101", 2),
        ("0b", 0),
        ("0b_", 0),
        ("0x_1f", 16),
        (" -0x_1f ", 16),
        ("0x1f", 10),
        ("z", 36),
        ("Z", 36),
        ("9", 8),
        ("٣", 10),
        (" \u{3000} 12\u{2003}", 10),
        ("12\u{200b}", 10),
        ("+ 1", 10),
        ("1e5", 10),
        ("", 10),
        (" ", 10),
        ("\0", 10),
        ("1\0", 10),
        ("１２", 10),
        ("0x", 16),
        ("-", 10),
        ("1 2", 10),
        (&long_ones, 10),
        (&long_underscored, 10),
        (&exactly, 10),
        (&long_hex, 16),
        (&long_a, 10),
        ("12", 3),
        ("٣٣", 16),
    ];
    let mut py = Py::default();
    for (text, base) in cases {
        let got = match int::parse(text, base) {
            Ok(n) => match int::to_decimal(&n) {
                Ok(text) => text.chars().take(50).collect(),
                Err(e) => format!("ValueError: {e}"),
            },
            Err(e) => format!("{}: {}", e.kind.name(), e.message),
        };
        py.case(
            format!("X(lambda: str(int({}, {base}))[:50])", s(text)),
            got,
        );
    }
    for (bytes, base) in [
        (&b"12"[..], 10),
        (b" 1_0 ", 10),
        (b"x", 10),
        (b"\xff", 10),
        (b"\xd9\xa3", 10),
        (b"0x10", 0),
        (b"-7", 8),
    ] {
        let got = match int::parse_bytes(bytes, base) {
            Ok(n) => n.to_string(),
            Err(e) => format!("{}: {}", e.kind.name(), e.message),
        };
        py.case(format!("X(lambda: str(int({}, {base})))", b(bytes)), got);
    }
    py.check();
}

#[test]
fn int_conversions_match_cpython() {
    let mut py = Py::default();
    let mut rng = Rng(7);
    let mut values: Vec<BigInt> = vec![
        big(0),
        big(1),
        big(-1),
        big(255),
        big(-255),
        big(i128::MAX),
        big(i128::MIN),
    ];
    for _ in 0..50 {
        let digits: String = (0..1 + rng.below(60))
            .map(|_| char::from(b'0' + rng.below(10) as u8))
            .collect();
        let n: BigInt = digits.parse().unwrap();
        values.push(if rng.below(2) == 0 { -n } else { n });
    }
    values.push(BigInt::from(10).pow(4299));
    values.push(BigInt::from(10).pow(4300));
    values.push(-BigInt::from(10).pow(4300));
    for n in &values {
        let dec = int::to_decimal(n).unwrap_or_else(|e| format!("ValueError: {e}"));
        let text = n.to_str_radix(16);
        let lit = format!("int({}, 16)", s(&text));
        py.case(format!("X(lambda: str({lit}))"), dec);
        py.case(format!("hex({lit})"), int::hex(n));
        py.case(format!("oct({lit})"), int::oct(n));
        py.case(format!("bin({lit})"), int::bin(n));
    }
    for x in [
        3.9,
        -3.9,
        1e20,
        -0.5,
        1.7976931348623157e308,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        let got = match int::float_to_int(x) {
            Ok(n) => n.to_string(),
            Err(e) => format!("{}: {}", e.kind.name(), e.message),
        };
        py.case(format!("X(lambda: str(int({})))", f(x)), got);
    }
    py.check();
}

fn str_list(items: &[&str]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|t| repr::str_repr(t))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn bytes_list(items: &[&[u8]]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|t| repr::bytes_repr(t))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn py_bool(v: bool) -> String {
    if v { "True" } else { "False" }.to_string()
}

/// A str predicate method and socklab's implementation of it.
type StrPredicate = (&'static str, fn(&str) -> bool);

const STR_PREDICATES: &[StrPredicate] = &[
    ("isdigit", strings::isdigit),
    ("isdecimal", strings::isdecimal),
    ("isnumeric", strings::isnumeric),
    ("isalpha", strings::isalpha),
    ("isalnum", strings::isalnum),
    ("isspace", strings::isspace),
    ("isprintable", strings::isprintable),
    ("isascii", strings::isascii),
    ("isupper", strings::isupper),
    ("islower", strings::islower),
    ("istitle", strings::istitle),
    ("isidentifier", strings::isidentifier),
];

/// A bytes predicate method and socklab's implementation of it.
type BytesPredicate = (&'static str, fn(&[u8]) -> bool);

const BYTES_PREDICATES: &[BytesPredicate] = &[
    ("isdigit", bytes::isdigit),
    ("isalpha", bytes::isalpha),
    ("isalnum", bytes::isalnum),
    ("isspace", bytes::isspace),
    ("isupper", bytes::isupper),
    ("islower", bytes::islower),
    ("istitle", bytes::istitle),
];

const STR_SAMPLES: &[&str] = &[
    "",
    " ",
    "  hello  world  ",
    "a,b,,c",
    ",a,",
    "aaa",
    "\tx\ty\n\tz\r\t",
    "a\r\nb\rc\nd\x0be\x0cf\x1cg\u{85}h\u{2028}i\u{2029}j\n",
    "ΟΔΟΣ ΣΑΣ Σ.Σ'",
    "straße ǆemal ﬁne ŉ",
    "Hello World",
    "hELLO wORLD 3rd",
    "你好 世界",
    "\u{3000}x\u{3000}y\u{a0}",
    "123",
    "²³",
    "½五",
    "٣٤",
    "_变量1",
    "1abc",
    "ǅungla",
    "ᾈ ᾳ",
    "A\u{301}b",
    "-42",
    "+7",
    "MiXeD CaSe",
    "they're bill's",
    "İI",
    "a\u{345}\u{3a3}",
    "line\r\n",
    "x\u{0}y",
    "e\u{301}Σ",
    "ΑΣ\u{301}",
    "A1B2",
    "ABC",
    "abc",
];

#[test]
fn str_methods_match_cpython() {
    let mut py = Py::default();
    for &text in STR_SAMPLES {
        let v = s(text);
        let split_cases: [(Option<&str>, i64); 7] = [
            (None, -1),
            (None, 0),
            (None, 1),
            (Some(","), -1),
            (Some(","), 1),
            (Some("a"), 2),
            (Some(""), -1),
        ];
        for (sep, maxsplit) in split_cases {
            let sep_py = sep.map_or("None".to_string(), s);
            let got = result_text(
                strings::split(text, sep, maxsplit).map(|l| str_list(&l)),
                "ValueError",
            );
            py.case(
                format!("X(lambda: repr({v}.split({sep_py}, {maxsplit})))"),
                got,
            );
            let got = result_text(
                strings::rsplit(text, sep, maxsplit).map(|l| str_list(&l)),
                "ValueError",
            );
            py.case(
                format!("X(lambda: repr({v}.rsplit({sep_py}, {maxsplit})))"),
                got,
            );
        }
        for keep in [false, true] {
            py.case(
                format!("repr({v}.splitlines({}))", py_bool(keep)),
                str_list(&strings::splitlines(text, keep)),
            );
        }
        for chars in [None, Some(" ad"), Some(""), Some("\t\n")] {
            let c = chars.map_or("None".to_string(), s);
            py.case(
                format!("repr({v}.strip({c}))"),
                repr::str_repr(strings::strip(text, chars)),
            );
            py.case(
                format!("repr({v}.lstrip({c}))"),
                repr::str_repr(strings::lstrip(text, chars)),
            );
            py.case(
                format!("repr({v}.rstrip({c}))"),
                repr::str_repr(strings::rstrip(text, chars)),
            );
        }
        for tab in [8, 4, 1, 0, -1] {
            py.case(
                format!("repr({v}.expandtabs({tab}))"),
                repr::str_repr(&strings::expandtabs(text, tab)),
            );
        }
        py.case(
            format!("repr({v}.title())"),
            repr::str_repr(&strings::title(text)),
        );
        py.case(
            format!("repr({v}.capitalize())"),
            repr::str_repr(&strings::capitalize(text)),
        );
        py.case(
            format!("repr({v}.swapcase())"),
            repr::str_repr(&strings::swapcase(text)),
        );
        py.case(
            format!("repr({v}.lower())"),
            repr::str_repr(&strings::lower(text)),
        );
        py.case(
            format!("repr({v}.upper())"),
            repr::str_repr(&strings::upper(text)),
        );
        for width in [-1, 0, 5, 10, 11, 20] {
            py.case(
                format!("repr({v}.center({width}, '*'))"),
                repr::str_repr(&strings::center(text, width, '*')),
            );
            py.case(
                format!("repr({v}.ljust({width}, '你'))"),
                repr::str_repr(&strings::ljust(text, width, '你')),
            );
            py.case(
                format!("repr({v}.rjust({width}))"),
                repr::str_repr(&strings::rjust(text, width, ' ')),
            );
            py.case(
                format!("repr({v}.zfill({width}))"),
                repr::str_repr(&strings::zfill(text, width)),
            );
        }
        for (old, new, count) in [
            ("l", "L", -1),
            ("", "-", -1),
            ("", "-", 2),
            ("a", "", 1),
            ("Σ", "s", 0),
        ] {
            py.case(
                format!("repr({v}.replace({}, {}, {count}))", s(old), s(new)),
                repr::str_repr(&strings::replace(text, old, new, count)),
            );
        }
        let predicates = STR_PREDICATES;
        for &(name, pred) in predicates {
            py.case(format!("repr({v}.{name}())"), py_bool(pred(text)));
        }
    }
    py.check();
}

#[test]
fn char_classes_and_case_maps_match_cpython_across_unicode() {
    let mut py = Py::default();
    let mut buf = [0u8; 4];
    for chars in unicode_chunks(8192) {
        let chunk: String = chars.iter().collect();
        for &(name, pred) in STR_PREDICATES {
            let got: String = chars
                .iter()
                .map(|c| {
                    if pred(c.encode_utf8(&mut buf)) {
                        '1'
                    } else {
                        '0'
                    }
                })
                .collect();
            py.case(
                format!("''.join('1' if c.{name}() else '0' for c in {})", s(&chunk)),
                got,
            );
        }
        for (name, map) in [
            ("upper", strings::upper as fn(&str) -> String),
            ("lower", strings::lower),
            ("title", strings::title),
        ] {
            let got = chars
                .iter()
                .map(|c| map(c.encode_utf8(&mut buf)))
                .collect::<Vec<_>>()
                .join("|");
            py.case(format!("'|'.join(c.{name}() for c in {})", s(&chunk)), got);
        }
    }
    py.check();
}

const BYTES_SAMPLES: &[&[u8]] = &[
    b"",
    b" ",
    b"  hello  world  ",
    b"a,b,,c",
    b"aaa",
    b"\tx\ty\n\tz\r\t",
    b"a\r\nb\rc\nd\x0be\x0cf\x1cg\x85h",
    b"hELLO wORLD 3rd",
    b"Hello World",
    b"\xc4\xe3\xba\xc3 ok",
    b"-42",
    b"+7",
    b"123",
    b"ABC",
    b"abc",
    b"they're",
    b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    b"\x00\xff",
];

#[test]
fn bytes_methods_match_cpython() {
    let mut py = Py::default();
    for &data in BYTES_SAMPLES {
        let v = b(data);
        let split_cases: [(Option<&[u8]>, i64); 7] = [
            (None, -1),
            (None, 0),
            (None, 1),
            (Some(b","), -1),
            (Some(b","), 1),
            (Some(b"\r\n"), -1),
            (Some(b""), -1),
        ];
        for (sep, maxsplit) in split_cases {
            let sep_py = sep.map_or("None".to_string(), b);
            let got = result_text(
                bytes::split(data, sep, maxsplit).map(|l| bytes_list(&l)),
                "ValueError",
            );
            py.case(
                format!("X(lambda: repr({v}.split({sep_py}, {maxsplit})))"),
                got,
            );
            let got = result_text(
                bytes::rsplit(data, sep, maxsplit).map(|l| bytes_list(&l)),
                "ValueError",
            );
            py.case(
                format!("X(lambda: repr({v}.rsplit({sep_py}, {maxsplit})))"),
                got,
            );
        }
        for keep in [false, true] {
            py.case(
                format!("repr({v}.splitlines({}))", py_bool(keep)),
                bytes_list(&bytes::splitlines(data, keep)),
            );
        }
        for chars in [None, Some(&b" ad"[..]), Some(b""), Some(b"\r\n")] {
            let c = chars.map_or("None".to_string(), b);
            py.case(
                format!("repr({v}.strip({c}))"),
                repr::bytes_repr(bytes::strip(data, chars)),
            );
            py.case(
                format!("repr({v}.lstrip({c}))"),
                repr::bytes_repr(bytes::lstrip(data, chars)),
            );
            py.case(
                format!("repr({v}.rstrip({c}))"),
                repr::bytes_repr(bytes::rstrip(data, chars)),
            );
        }
        for tab in [8, 3, 0] {
            py.case(
                format!("repr({v}.expandtabs({tab}))"),
                repr::bytes_repr(&bytes::expandtabs(data, tab)),
            );
        }
        py.case(
            format!("repr({v}.title())"),
            repr::bytes_repr(&bytes::title(data)),
        );
        py.case(
            format!("repr({v}.capitalize())"),
            repr::bytes_repr(&bytes::capitalize(data)),
        );
        py.case(
            format!("repr({v}.swapcase())"),
            repr::bytes_repr(&bytes::swapcase(data)),
        );
        py.case(
            format!("repr({v}.lower())"),
            repr::bytes_repr(&bytes::lower(data)),
        );
        py.case(
            format!("repr({v}.upper())"),
            repr::bytes_repr(&bytes::upper(data)),
        );
        for width in [-1, 5, 10, 11, 30] {
            py.case(
                format!("repr({v}.center({width}, b'*'))"),
                repr::bytes_repr(&bytes::center(data, width, b'*')),
            );
            py.case(
                format!("repr({v}.ljust({width}))"),
                repr::bytes_repr(&bytes::ljust(data, width, b' ')),
            );
            py.case(
                format!("repr({v}.rjust({width}, b'0'))"),
                repr::bytes_repr(&bytes::rjust(data, width, b'0')),
            );
            py.case(
                format!("repr({v}.zfill({width}))"),
                repr::bytes_repr(&bytes::zfill(data, width)),
            );
        }
        for (old, new, count) in [
            (&b"l"[..], &b"L"[..], -1),
            (b"", b"-", -1),
            (b"", b"-", 2),
            (b"a", b"", 1),
            (b"\r\n", b"\n", -1),
        ] {
            py.case(
                format!("repr({v}.replace({}, {}, {count}))", b(old), b(new)),
                repr::bytes_repr(&bytes::replace(data, old, new, count)),
            );
        }
        let predicates = BYTES_PREDICATES;
        for &(name, pred) in predicates {
            py.case(format!("repr({v}.{name}())"), py_bool(pred(data)));
        }
        for (sep, per) in [
            (None, 1),
            (Some(':'), 1),
            (Some(':'), 2),
            (Some('-'), -2),
            (Some(' '), 0),
            (Some('é'), 1),
        ] {
            let sep_py = sep.map_or("''".to_string(), |c| s(&c.to_string()));
            let got = result_text(bytes::hex(data, sep, per), "ValueError");
            let call = if sep.is_some() {
                format!("{v}.hex({sep_py}, {per})")
            } else {
                format!("{v}.hex()")
            };
            py.case(format!("X(lambda: {call})"), got);
        }
    }
    for text in [
        "",
        "01 02",
        " 01 ",
        "01\t02\n",
        "a",
        "0g",
        "01  0",
        "0 1",
        "1",
        "abc",
        "ab c",
        "ABcd",
        "é1",
        "01é",
        "0\u{3000}1",
    ] {
        let got = result_text(
            bytes::fromhex(text).map(|v| repr::bytes_repr(&v)),
            "ValueError",
        );
        py.case(format!("X(lambda: repr(bytes.fromhex({})))", s(text)), got);
    }
    py.check();
}

/// `str.format` arguments for tests: positional values and keyword values.
struct FormatCall {
    args: Vec<V>,
    kwargs: Vec<(&'static str, V)>,
}

fn format_value(v: &V, spec: &str) -> Result<String, String> {
    let text_err = |e: socklab_lang::text::TextError| format!("{}: {}", e.kind.name(), e.message);
    if spec.is_empty() {
        return Ok(v.str());
    }
    let parsed = FormatSpec::parse(spec, v.type_name()).map_err(|m| format!("ValueError: {m}"))?;
    match v {
        V::Int(n) => format_int(&big(*n), &parsed).map_err(text_err),
        V::Float(x) => format_float(*x, &parsed).map_err(text_err),
        V::Str(t) => format_str(t, &parsed).map_err(text_err),
        other => Err(format!(
            "TypeError: unsupported format string passed to {}.__format__",
            other.type_name()
        )),
    }
}

impl TemplateArgs for FormatCall {
    type Arg = V;
    type Error = String;

    fn positional(&mut self, index: usize) -> Option<V> {
        self.args.get(index).cloned()
    }

    fn keyword(&mut self, name: &str) -> Result<V, String> {
        self.kwargs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| format!("KeyError: {}", repr::str_repr(name)))
    }

    fn getattr(&mut self, obj: &V, name: &str) -> Result<V, String> {
        match (obj, name) {
            (V::Int(n), "real" | "numerator") => Ok(V::Int(*n)),
            (V::Int(_), "imag") => Ok(V::Int(0)),
            _ => Err(format!(
                "AttributeError: '{}' object has no attribute '{name}'",
                obj.type_name()
            )),
        }
    }

    fn getitem_int(&mut self, obj: &V, index: usize) -> Result<V, String> {
        match obj {
            V::List(items) | V::Tuple(items) => items
                .get(index)
                .cloned()
                .ok_or_else(|| format!("IndexError: {} index out of range", obj.type_name())),
            V::Dict(_) => Err(format!("KeyError: {index}")),
            V::Str(t) => t
                .chars()
                .nth(index)
                .map(|c| V::Str(c.to_string().leak()))
                .ok_or_else(|| "IndexError: string index out of range".to_string()),
            _ => Err(format!(
                "TypeError: '{}' object is not subscriptable",
                obj.type_name()
            )),
        }
    }

    fn getitem_str(&mut self, obj: &V, key: &str) -> Result<V, String> {
        match obj {
            V::Dict(items) => items
                .iter()
                .find(|(k, _)| matches!(k, V::Str(t) if *t == key))
                .map(|(_, v)| v.clone())
                .ok_or_else(|| format!("KeyError: {}", repr::str_repr(key))),
            V::List(_) | V::Tuple(_) => Err(format!(
                "TypeError: {} indices must be integers or slices, not str",
                obj.type_name()
            )),
            _ => Err(format!(
                "TypeError: '{}' object is not subscriptable",
                obj.type_name()
            )),
        }
    }

    fn str(&mut self, obj: &V) -> Result<String, String> {
        Ok(obj.str())
    }

    fn repr(&mut self, obj: &V) -> Result<String, String> {
        Ok(obj.repr())
    }

    fn format(&mut self, obj: &V, spec: &str) -> Result<String, String> {
        format_value(obj, spec)
    }
}

#[test]
fn str_format_templates_match_cpython() {
    use V::*;
    let abc = || vec![Str("a"), Int(5), Float(2.5)];
    let kw = || {
        vec![
            ("x", Int(42)),
            ("name", Str("你好")),
            ("d", Dict(vec![(Str("k"), Int(7))])),
            ("l", List(vec![Int(1), Int(2)])),
        ]
    };
    let templates = [
        "{}{}",
        "{0}{}",
        "{}{0}",
        "{x}{}",
        "{",
        "}",
        "a}b",
        "{{}}",
        "{0!x}",
        "{0!}",
        "{0!r:>5}",
        "{0!rx}",
        "{:{}}",
        "{:{}{}}",
        "{:{:{}}}",
        "{l[1]}",
        "{d[k]}",
        "{x.real}",
        "{0.}",
        "{0[}",
        "{0[]}",
        "{l[0]x}",
        "{5}",
        "{y}",
        "{0",
        "{0:",
        "{0!r",
        "{a{b}",
        "{1:{x}}",
        "{:}",
        "{!r}",
        "x{}y{{z}}",
        "{0:}}",
        "{0}}",
        "{٠}",
        "{x.imag.real}",
        "{name!a}",
        "{2:x<{1}.{1}f}|",
        "{1:#x} {1:08b} {2:e} {0:^7}",
        "{name:*>6}",
        "{l}",
        "{l:>5}",
        "{d[q]}",
        "{l[9]}",
        "{x.bad}",
        "{0!s:^5}|{1!a}",
        "{0!\u{e9}}",
        "{999999999999999999999}",
        "{x[0]}",
        "{0[0]}",
        "plain text",
        "",
        "{{",
        "}}",
        "{:d}",
        "{1:s}",
        "{:,}",
        "{2:.1%}",
        "{name:.1}",
    ];
    let mut py = Py::default();
    for template in templates {
        let mut call = FormatCall {
            args: abc(),
            kwargs: kw(),
        };
        let got = match render_template(template, &mut call) {
            Ok(s) => format!("OK {s}"),
            Err(PercentError::Text(e)) => format!("{}: {}", e.kind.name(), e.message),
            Err(PercentError::Arg(e)) => e,
        };
        let args_py = abc().iter().map(V::py).collect::<Vec<_>>().join(", ");
        let kwargs_py = kw()
            .iter()
            .map(|(k, v)| format!("{k}={}", v.py()))
            .collect::<Vec<_>>()
            .join(", ");
        py.case(
            format!(
                "X(lambda: 'OK ' + {}.format({args_py}, {kwargs_py}))",
                s(template)
            ),
            got,
        );
    }
    py.check();
}

#[test]
fn round_matches_cpython() {
    let mut py = Py::default();
    let values = [
        2.675,
        2.5,
        3.5,
        -2.5,
        0.125,
        0.375,
        1234.5,
        1250.0,
        1350.0,
        -1250.0,
        0.5,
        1.5,
        5e-324,
        1.7976931348623157e308,
        123456.789,
        -0.4,
        0.0,
        -0.0,
        1e22,
        9.995,
        f64::INFINITY,
        f64::NAN,
        1e300,
        15.0,
        25.0,
        0.05,
        4.56789,
    ];
    for x in values {
        for nd in [
            0, 1, 2, 3, 10, 17, 400, -1, -2, -3, -5, -22, -300, -308, -309, -1000,
        ] {
            let got = match float::round(x, nd) {
                Ok(r) => float::repr(r),
                Err(e) => format!("{}: {}", e.kind.name(), e.message),
            };
            py.case(format!("X(lambda: repr(round({}, {nd})))", f(x)), got);
        }
    }
    for n in [
        0i128,
        5,
        15,
        25,
        35,
        -25,
        -35,
        1234,
        1250,
        1350,
        -1250,
        10i128.pow(25) + 5 * 10i128.pow(24),
        99,
    ] {
        for nd in [0, 2, -1, -2, -3, -30] {
            py.case(
                format!("str(round({n}, {nd}))"),
                int::round(&big(n), nd).to_string(),
            );
        }
    }
    py.check();
}

#[test]
fn int_bytes_conversions_match_cpython() {
    let mut py = Py::default();
    let ints: Vec<BigInt> = [
        0i128,
        1,
        255,
        256,
        -1,
        -128,
        -129,
        128,
        65535,
        -32768,
        i64::MIN as i128,
        1 << 64,
    ]
    .into_iter()
    .map(big)
    .collect();
    for n in &ints {
        for length in [-1, 0, 1, 2, 8, 9] {
            for (order, big_endian) in [("big", true), ("little", false)] {
                for signed in [false, true] {
                    let got = match int::to_bytes(n, length, big_endian, signed) {
                        Ok(v) => repr::bytes_repr(&v),
                        Err(e) => format!("{}: {}", e.kind.name(), e.message),
                    };
                    py.case(
                        format!(
                            "X(lambda: repr(({n}).to_bytes({length}, '{order}', signed={})))",
                            py_bool(signed)
                        ),
                        got,
                    );
                }
            }
        }
    }
    for data in [
        &b""[..],
        b"\xff",
        b"\x80\x00",
        b"\x01\x00",
        b"\x7f\xff\xff\xff\xff\xff\xff\xff\xff",
    ] {
        for (order, big_endian) in [("big", true), ("little", false)] {
            for signed in [false, true] {
                py.case(
                    format!(
                        "str(int.from_bytes({}, '{order}', signed={}))",
                        b(data),
                        py_bool(signed)
                    ),
                    int::from_bytes(data, big_endian, signed).to_string(),
                );
            }
        }
    }
    py.check();
}

#[test]
fn json_literals_match_cpython() {
    let mut py = Py::default();
    let texts = [
        "",
        "plain",
        "quote \" and \\ back",
        "\n\r\t\u{8}\u{c}\u{0}\u{1f}\u{7f}",
        "é你好",
        "\u{1f600}",
        "\u{2028}</script>",
    ];
    for text in texts {
        for ensure in [true, false] {
            py.case(
                format!(
                    "__import__('json').dumps({}, ensure_ascii={})",
                    s(text),
                    py_bool(ensure)
                ),
                json::quote(text, ensure),
            );
        }
    }
    for x in [
        0.1,
        1e16,
        -0.0,
        100.0,
        1e-7,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ] {
        for allow in [true, false] {
            let got = result_text(json::float_literal(x, allow), "ValueError");
            py.case(
                format!(
                    "X(lambda: __import__('json').dumps({}, allow_nan={}))",
                    f(x),
                    py_bool(allow)
                ),
                got,
            );
        }
    }
    py.check();
}

fn num_text(r: Result<f64, socklab_lang::text::TextError>) -> String {
    match r {
        Ok(x) => float::repr(x),
        Err(e) => format!("{}: {}", e.kind.name(), e.message),
    }
}

#[test]
fn float_division_and_modulo_match_cpython() {
    let values = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.1,
        -0.1,
        7.5,
        -7.5,
        2.0,
        -2.0,
        1e300,
        -1e-300,
        5e-324,
        3.0,
        1e16,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];
    let mut py = Py::default();
    for &x in &values {
        for &y in &values {
            let (fx, fy) = (f(x), f(y));
            py.case(
                format!("X(lambda: repr({fx} // {fy}))"),
                num_text(arith::float_floordiv(x, y)),
            );
            py.case(
                format!("X(lambda: repr({fx} % {fy}))"),
                num_text(arith::float_mod(x, y)),
            );
            let got = match arith::float_divmod(x, y) {
                Ok((q, r)) => format!("({}, {})", float::repr(q), float::repr(r)),
                Err(e) => format!("{}: {}", e.kind.name(), e.message),
            };
            py.case(format!("X(lambda: repr(divmod({fx}, {fy})))"), got);
        }
    }
    py.check();
}

#[test]
fn int_true_division_and_conversion_match_cpython() {
    let mut rng = Rng(99);
    let mut ints: Vec<BigInt> = vec![
        big(0),
        big(1),
        big(-1),
        big(3),
        big(10),
        big(-7),
        big(1 << 53),
        big((1 << 53) + 1),
    ];
    for bits in [60u64, 64, 100, 200, 1000, 1023, 1024, 1025, 1100, 2000] {
        for _ in 0..3 {
            let mut n = BigInt::from(1u8) << (bits as usize - 1);
            n += BigInt::from(rng.next()) << (bits as usize / 2);
            n += BigInt::from(rng.next());
            ints.push(if rng.below(2) == 0 {
                -n.clone()
            } else {
                n.clone()
            });
        }
    }
    ints.push(BigInt::from(1u8) << 1074usize);
    ints.push(BigInt::from(3u8) << 1075usize);
    ints.push((BigInt::from(1u8) << 1024usize) - (BigInt::from(1u8) << 970usize));
    ints.push((BigInt::from(1u8) << 1024usize) - (BigInt::from(1u8) << 970usize) - 1);
    let lit = |n: &BigInt| format!("int({}, 16)", s(&n.to_str_radix(16)));
    let mut py = Py::default();
    for a in &ints {
        py.case(
            format!("X(lambda: repr(float({})))", lit(a)),
            num_text(arith::int_to_float(a)),
        );
        for b in &ints {
            py.case(
                format!("X(lambda: repr({} / {}))", lit(a), lit(b)),
                num_text(arith::int_true_divide(a, b)),
            );
        }
    }
    py.check();
}

/// A random format spec from the grammar's pieces (valid or not).
fn random_spec(rng: &mut Rng, types: &[&str]) -> String {
    let pick =
        |rng: &mut Rng, items: &[&str]| items[rng.below(items.len() as u64) as usize].to_string();
    let mut spec = String::new();
    spec += &pick(rng, &["", "", "<", ">", "^", "=", "*<", "0>", "x^", "你="]);
    spec += &pick(rng, &["", "", "+", "-", " "]);
    spec += &pick(rng, &["", "", "", "z"]);
    spec += &pick(rng, &["", "", "#"]);
    spec += &pick(rng, &["", "", "0"]);
    spec += &pick(rng, &["", "", "1", "7", "12", "25"]);
    spec += &pick(rng, &["", "", "", ",", "_"]);
    spec += &pick(rng, &["", "", ".0", ".1", ".3", ".12"]);
    spec += &pick(rng, types);
    spec
}

#[test]
fn random_number_specs_match_cpython() {
    let mut rng = Rng(2024);
    let mut py = Py::default();
    let int_types = [
        "", "d", "b", "o", "x", "X", "n", "c", "e", "f", "g", "%", "s",
    ];
    let float_types = ["", "e", "E", "f", "F", "g", "G", "n", "%", "d"];
    let ints = [
        0i128,
        1,
        -1,
        42,
        -1234567,
        255,
        1 << 40,
        -(1 << 70),
        0x10ffff,
    ];
    let floats = interesting_floats();
    for _ in 0..1500 {
        let n = ints[rng.below(ints.len() as u64) as usize];
        let spec = random_spec(&mut rng, &int_types);
        let got = match FormatSpec::parse(&spec, "int") {
            Ok(sp) => match format_int(&big(n), &sp) {
                Ok(s) => s,
                Err(e) => format!("{}: {}", e.kind.name(), e.message),
            },
            Err(e) => format!("ValueError: {e}"),
        };
        py.case(format!("X(lambda: format({n}, {}))", s(&spec)), got);
        let x = floats[rng.below(floats.len() as u64) as usize];
        let spec = random_spec(&mut rng, &float_types);
        let got = result_text(float::format(x, &spec), "ValueError");
        py.case(format!("X(lambda: format({}, {}))", f(x), s(&spec)), got);
    }
    py.check();
}

#[test]
fn random_percent_specs_match_cpython() {
    let mut rng = Rng(77);
    let mut py = Py::default();
    let values = [
        V::Int(0),
        V::Int(-42),
        V::Int(255),
        V::Int(1 << 70),
        V::Float(-0.0),
        V::Float(3.5),
        V::Float(-1234.5678),
        V::Float(1e-7),
        V::Float(f64::INFINITY),
        V::Str("ab"),
        V::Str("你"),
        V::Bool(true),
        V::None,
    ];
    let conversions = [
        "s", "r", "a", "d", "i", "u", "o", "x", "X", "e", "E", "f", "F", "g", "G", "c", "%",
    ];
    for _ in 0..1500 {
        let mut fmt = String::from("[%");
        for _ in 0..rng.below(3) {
            fmt.push(['-', '+', ' ', '#', '0'][rng.below(5) as usize]);
        }
        if rng.below(2) == 0 {
            fmt += &rng.below(12).to_string();
        }
        if rng.below(2) == 0 {
            fmt += &format!(".{}", rng.below(8));
        }
        fmt += conversions[rng.below(conversions.len() as u64) as usize];
        fmt.push(']');
        let value = values[rng.below(values.len() as u64) as usize].clone();
        let operand = V::Tuple(vec![value]);
        let got = percent_result(percent::format(&fmt, &mut Operand(operand.clone())));
        py.case(
            format!("X(lambda: 'OK ' + ({} % {}))", s(&fmt), operand.py()),
            got,
        );
    }
    py.check();
}

#[test]
fn number_hashes_and_int_float_comparison_match_cpython() {
    let mut py = Py::default();
    let mut ints: Vec<BigInt> = [
        0i128,
        1,
        -1,
        -2,
        2,
        1 << 61,
        (1 << 61) - 1,
        -(1 << 61),
        1 << 100,
        -(1 << 64),
        12345678901234567,
    ]
    .into_iter()
    .map(big)
    .collect();
    ints.push((BigInt::from(1u8) << 53usize) + 1u8);
    ints.push(BigInt::from(10u8).pow(400));
    let lit = |n: &BigInt| format!("int({}, 16)", s(&n.to_str_radix(16)));
    for n in &ints {
        py.case(
            format!("str(hash({}))", lit(n)),
            arith::hash_int(n).to_string(),
        );
    }
    let mut floats = interesting_floats();
    floats.truncate(400);
    floats.extend([
        9007199254740992.0,
        9007199254740993.0,
        -0.5,
        2.5,
        1e300,
        -1e-300,
        2f64.powi(61),
        2f64.powi(-1074),
    ]);
    for &x in &floats {
        if let Some(h) = arith::hash_float(x) {
            py.case(format!("str(hash({}))", f(x)), h.to_string());
        }
        for n in &ints {
            let got = match arith::compare_int_float(n, x) {
                Some(std::cmp::Ordering::Less) => "lt",
                Some(std::cmp::Ordering::Equal) => "eq",
                Some(std::cmp::Ordering::Greater) => "gt",
                None => "none",
            };
            let (a, b) = (lit(n), f(x));
            py.case(
                format!(
                    "'lt' if {a} < {b} else 'eq' if {a} == {b} else 'gt' if {a} > {b} else 'none'"
                ),
                got,
            );
        }
    }
    for items in [
        vec![],
        vec![1i64],
        vec![1, 2, 3],
        vec![-1, -2],
        vec![i64::MAX, i64::MIN],
    ] {
        let tuple = format!(
            "({}{})",
            items
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            if items.len() == 1 { "," } else { "" }
        );
        let hashes: Vec<i64> = items
            .iter()
            .map(|&i| arith::hash_int(&BigInt::from(i)))
            .collect();
        py.case(
            format!("str(hash({tuple}))"),
            arith::hash_tuple(&hashes).to_string(),
        );
    }
    py.check();
}
