//! Tests of `socklab_lang::text`: every expected value is what CPython 3.11 prints for the
//! same input, computed by running `python3` on a batch of cases (plus a few literals).

use num_bigint::BigInt;
use socklab_lang::text::codec::{self, CodecError};
use socklab_lang::text::format::{format_float, format_int, format_str, FormatSpec};
use socklab_lang::text::{float, repr};
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
                failures.push(format!("{expr}\n   python: {want:?}\n  socklab: {got:?}"));
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

#[test]
fn str_repr_matches_cpython_for_every_code_point() {
    let mut py = Py::default();
    let mut cp = 0u32;
    while cp < 0x110000 {
        let chunk: String = (cp..cp + 1024).filter_map(char::from_u32).collect();
        py.case(format!("repr({})", s(&chunk)), repr::str_repr(&chunk));
        cp += 1024;
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
        3.14159,
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
    assert_eq!(float::format(3.14159, ".2f").unwrap(), "3.14");
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
