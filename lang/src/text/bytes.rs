//! The fiddly `bytes`/`bytearray` methods with CPython's ASCII semantics: split/rsplit,
//! splitlines, strip, expandtabs, case mappings, padding, replace, the `is*` predicates,
//! and `hex()`/`fromhex()`.

use super::TextError;

/// ASCII whitespace as bytes methods see it: space, `\t \n \r \x0b \x0c`.
pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.len() > hay.len().saturating_sub(from) {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| &hay[i..i + needle.len()] == needle)
}

fn rfind(hay: &[u8], needle: &[u8], end: usize) -> Option<usize> {
    if needle.len() > end {
        return None;
    }
    (0..=end - needle.len())
        .rev()
        .find(|&i| &hay[i..i + needle.len()] == needle)
}

/// `b.split(sep, maxsplit)`: `split(b"a  b", None, -1) == Ok(vec![&b"a"[..], b"b"])`.
pub fn split<'a>(
    b: &'a [u8],
    sep: Option<&[u8]>,
    maxsplit: i64,
) -> Result<Vec<&'a [u8]>, TextError> {
    let mut budget = if maxsplit < 0 {
        usize::MAX
    } else {
        maxsplit as usize
    };
    let mut out = Vec::new();
    let Some(sep) = sep else {
        let mut i = 0;
        loop {
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            if i == b.len() {
                break;
            }
            if budget == 0 {
                out.push(&b[i..]);
                break;
            }
            let start = i;
            while i < b.len() && !is_space(b[i]) {
                i += 1;
            }
            out.push(&b[start..i]);
            budget -= 1;
        }
        return Ok(out);
    };
    if sep.is_empty() {
        return Err(TextError::value("empty separator"));
    }
    let mut start = 0;
    while budget > 0 {
        let Some(i) = find(b, sep, start) else {
            break;
        };
        out.push(&b[start..i]);
        start = i + sep.len();
        budget -= 1;
    }
    out.push(&b[start..]);
    Ok(out)
}

/// `b.rsplit(sep, maxsplit)`: `rsplit(b"a,b,c", Some(b","), 1) == Ok(vec![&b"a,b"[..], b"c"])`.
pub fn rsplit<'a>(
    b: &'a [u8],
    sep: Option<&[u8]>,
    maxsplit: i64,
) -> Result<Vec<&'a [u8]>, TextError> {
    let mut budget = if maxsplit < 0 {
        usize::MAX
    } else {
        maxsplit as usize
    };
    let mut out = Vec::new();
    let Some(sep) = sep else {
        let mut end = b.len();
        loop {
            while end > 0 && is_space(b[end - 1]) {
                end -= 1;
            }
            if end == 0 {
                break;
            }
            if budget == 0 {
                out.push(&b[..end]);
                break;
            }
            let mut start = end;
            while start > 0 && !is_space(b[start - 1]) {
                start -= 1;
            }
            out.push(&b[start..end]);
            end = start;
            budget -= 1;
        }
        out.reverse();
        return Ok(out);
    };
    if sep.is_empty() {
        return Err(TextError::value("empty separator"));
    }
    let mut end = b.len();
    while budget > 0 {
        let Some(i) = rfind(b, sep, end) else {
            break;
        };
        out.push(&b[i + sep.len()..end]);
        end = i;
        budget -= 1;
    }
    out.push(&b[..end]);
    out.reverse();
    Ok(out)
}

/// `b.splitlines(keepends)`: only `\n`, `\r` and `\r\n` end lines.
/// `splitlines(b"a\r\nb\x0bc", false) == vec![&b"a"[..], b"b\x0bc"]`.
pub fn splitlines(b: &[u8], keepends: bool) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\n' && b[i] != b'\r' {
            i += 1;
            continue;
        }
        let mut after = i + 1;
        if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
            after += 1;
        }
        out.push(&b[start..if keepends { after } else { i }]);
        start = after;
        i = after;
    }
    if start < b.len() {
        out.push(&b[start..]);
    }
    out
}

/// `b.strip(chars)`; `None` strips ASCII whitespace: `strip(b"\r\nhi\r\n", None) == b"hi"`.
pub fn strip<'a>(b: &'a [u8], chars: Option<&[u8]>) -> &'a [u8] {
    rstrip(lstrip(b, chars), chars)
}

/// `b.lstrip(chars)`: `lstrip(b"xxa", Some(b"x")) == b"a"`.
pub fn lstrip<'a>(b: &'a [u8], chars: Option<&[u8]>) -> &'a [u8] {
    let keep = |c: &u8| match chars {
        None => !is_space(*c),
        Some(set) => !set.contains(c),
    };
    let start = b.iter().position(keep).unwrap_or(b.len());
    &b[start..]
}

/// `b.rstrip(chars)`: `rstrip(b"line\r\n", None) == b"line"`.
pub fn rstrip<'a>(b: &'a [u8], chars: Option<&[u8]>) -> &'a [u8] {
    let keep = |c: &u8| match chars {
        None => !is_space(*c),
        Some(set) => !set.contains(c),
    };
    let end = b.iter().rposition(keep).map_or(0, |i| i + 1);
    &b[..end]
}

/// `b.expandtabs(tabsize)`: `expandtabs(b"a\tb", 4) == b"a   b"`.
pub fn expandtabs(b: &[u8], tabsize: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut column: i64 = 0;
    for &c in b {
        if c == b'\t' {
            if tabsize > 0 {
                let n = tabsize - column % tabsize;
                column += n;
                out.extend(std::iter::repeat_n(b' ', n as usize));
            }
        } else {
            column += 1;
            out.push(c);
            if c == b'\n' || c == b'\r' {
                column = 0;
            }
        }
    }
    out
}

/// `b.lower()`: `lower(b"AbC\xc4") == b"abc\xc4"`.
pub fn lower(b: &[u8]) -> Vec<u8> {
    b.to_ascii_lowercase()
}

/// `b.upper()`: `upper(b"abc") == b"ABC"`.
pub fn upper(b: &[u8]) -> Vec<u8> {
    b.to_ascii_uppercase()
}

/// `b.title()`: `title(b"hello wORLD") == b"Hello World"`.
pub fn title(b: &[u8]) -> Vec<u8> {
    let mut previous_is_cased = false;
    b.iter()
        .map(|&c| {
            let out = if previous_is_cased {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            };
            previous_is_cased = c.is_ascii_alphabetic();
            out
        })
        .collect()
}

/// `b.capitalize()`: `capitalize(b"hELLO") == b"Hello"`.
pub fn capitalize(b: &[u8]) -> Vec<u8> {
    b.iter()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// `b.swapcase()`: `swapcase(b"aB") == b"Ab"`.
pub fn swapcase(b: &[u8]) -> Vec<u8> {
    b.iter()
        .map(|&c| {
            if c.is_ascii_uppercase() {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect()
}

fn pad(b: &[u8], left: usize, right: usize, fill: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len() + left + right);
    out.extend(std::iter::repeat_n(fill, left));
    out.extend_from_slice(b);
    out.extend(std::iter::repeat_n(fill, right));
    out
}

/// `b.center(width, fill)`: `center(b"ab", 5, b'*') == b"**ab*"`.
pub fn center(b: &[u8], width: i64, fill: u8) -> Vec<u8> {
    let len = b.len() as i64;
    if len >= width {
        return b.to_vec();
    }
    let marg = width - len;
    let left = marg / 2 + (marg & width & 1);
    pad(b, left as usize, (marg - left) as usize, fill)
}

/// `b.ljust(width, fill)`: `ljust(b"ab", 4, b'.') == b"ab.."`.
pub fn ljust(b: &[u8], width: i64, fill: u8) -> Vec<u8> {
    pad(b, 0, (width - b.len() as i64).max(0) as usize, fill)
}

/// `b.rjust(width, fill)`: `rjust(b"ab", 4, b' ') == b"  ab"`.
pub fn rjust(b: &[u8], width: i64, fill: u8) -> Vec<u8> {
    pad(b, (width - b.len() as i64).max(0) as usize, 0, fill)
}

/// `b.zfill(width)`: `zfill(b"-42", 5) == b"-0042"`.
pub fn zfill(b: &[u8], width: i64) -> Vec<u8> {
    let len = b.len() as i64;
    if len >= width {
        return b.to_vec();
    }
    let fill = (width - len) as usize;
    let mut out = pad(b, fill, 0, b'0');
    if matches!(out.get(fill), Some(b'+' | b'-')) {
        out[0] = out[fill];
        out[fill] = b'0';
    }
    out
}

/// `b.replace(old, new, count)`: `replace(b"aaa", b"a", b"b", 2) == b"bba"`.
pub fn replace(b: &[u8], old: &[u8], new: &[u8], count: i64) -> Vec<u8> {
    let mut budget = if count < 0 {
        usize::MAX
    } else {
        count as usize
    };
    let mut out = Vec::with_capacity(b.len());
    if old.is_empty() {
        for &c in b {
            if budget > 0 {
                out.extend_from_slice(new);
                budget -= 1;
            }
            out.push(c);
        }
        if budget > 0 {
            out.extend_from_slice(new);
        }
        return out;
    }
    let mut last = 0;
    while budget > 0 {
        let Some(i) = find(b, old, last) else {
            break;
        };
        out.extend_from_slice(&b[last..i]);
        out.extend_from_slice(new);
        last = i + old.len();
        budget -= 1;
    }
    out.extend_from_slice(&b[last..]);
    out
}

fn all_nonempty(b: &[u8], pred: impl Fn(&u8) -> bool) -> bool {
    !b.is_empty() && b.iter().all(pred)
}

/// `b.isdigit()`: `isdigit(b"123") == true`.
pub fn isdigit(b: &[u8]) -> bool {
    all_nonempty(b, u8::is_ascii_digit)
}

/// `b.isalpha()`: `isalpha(b"abc") == true`.
pub fn isalpha(b: &[u8]) -> bool {
    all_nonempty(b, u8::is_ascii_alphabetic)
}

/// `b.isalnum()`: `isalnum(b"a1") == true`.
pub fn isalnum(b: &[u8]) -> bool {
    all_nonempty(b, u8::is_ascii_alphanumeric)
}

/// `b.isspace()`: `isspace(b" \r\n") == true`.
pub fn isspace(b: &[u8]) -> bool {
    all_nonempty(b, |c| is_space(*c))
}

/// `b.isupper()`: `isupper(b"A1") == true`.
pub fn isupper(b: &[u8]) -> bool {
    b.iter().any(u8::is_ascii_uppercase) && !b.iter().any(u8::is_ascii_lowercase)
}

/// `b.islower()`: `islower(b"a1") == true`.
pub fn islower(b: &[u8]) -> bool {
    b.iter().any(u8::is_ascii_lowercase) && !b.iter().any(u8::is_ascii_uppercase)
}

/// `b.istitle()`: `istitle(b"Hello World") == true`.
pub fn istitle(b: &[u8]) -> bool {
    let mut cased = false;
    let mut previous_is_cased = false;
    for c in b {
        if c.is_ascii_uppercase() {
            if previous_is_cased {
                return false;
            }
            previous_is_cased = true;
            cased = true;
        } else if c.is_ascii_lowercase() {
            if !previous_is_cased {
                return false;
            }
            previous_is_cased = true;
            cased = true;
        } else {
            previous_is_cased = false;
        }
    }
    cased
}

/// `b.hex(sep, bytes_per_sep)`: `hex(b"\x01\x02\x03", Some(':'), 2) == Ok("01:0203".into())`.
///
/// A positive `bytes_per_sep` counts groups from the right, a negative one from the left.
pub fn hex(b: &[u8], sep: Option<char>, bytes_per_sep: i64) -> Result<String, TextError> {
    let digits = |c: &u8| format!("{c:02x}");
    let Some(sep) = sep.filter(|_| bytes_per_sep != 0) else {
        if sep.is_some_and(|c| !c.is_ascii()) {
            return Err(TextError::value("sep must be ASCII."));
        }
        return Ok(b.iter().map(digits).collect());
    };
    if !sep.is_ascii() {
        return Err(TextError::value("sep must be ASCII."));
    }
    let group = bytes_per_sep.unsigned_abs() as usize;
    let mut out = String::with_capacity(b.len() * 3);
    for (i, c) in b.iter().enumerate() {
        let boundary = if bytes_per_sep > 0 {
            (b.len() - i).is_multiple_of(group)
        } else {
            i.is_multiple_of(group)
        };
        if i > 0 && boundary {
            out.push(sep);
        }
        out.push_str(&digits(c));
    }
    Ok(out)
}

/// `bytes.fromhex(s)`: `fromhex(" 01 ff") == Ok(vec![1, 255])`; errors name the position as CPython does.
pub fn fromhex(s: &str) -> Result<Vec<u8>, TextError> {
    let chars: Vec<char> = s.chars().collect();
    let error = |pos: usize| {
        TextError::value(format!(
            "non-hexadecimal number found in fromhex() arg at position {pos}"
        ))
    };
    let mut out = Vec::with_capacity(chars.len() / 2);
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii() && is_space(chars[i] as u8) {
            i += 1;
            continue;
        }
        let top = chars[i]
            .to_digit(16)
            .filter(|_| chars[i].is_ascii())
            .ok_or_else(|| error(i))?;
        let bot = chars
            .get(i + 1)
            .filter(|c| c.is_ascii())
            .and_then(|c| c.to_digit(16))
            .ok_or_else(|| error(i + 1))?;
        out.push((top * 16 + bot) as u8);
        i += 2;
    }
    Ok(out)
}
