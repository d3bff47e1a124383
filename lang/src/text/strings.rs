//! The fiddly `str` methods, as CPython 3.11 defines them: split/rsplit, splitlines, strip,
//! expandtabs, case mappings (title, capitalize, swapcase), padding, replace and the `is*`
//! predicates. Whitespace, line breaks and character classes are Python's, not Rust's.

use super::unicode::{
    is_alnum, is_alpha, is_cased, is_decimal, is_digit, is_id_continue, is_id_start, is_lower,
    is_numeric, is_printable, is_space, is_title, is_upper, push_lower as push_lower_char,
    push_title, push_upper,
};
use super::TextError;

/// `s.split(sep, maxsplit)`; `sep = None` splits on runs of whitespace, a negative
/// `maxsplit` means no limit: `split("a  b c", None, 1) == Ok(vec!["a", "b c"])`.
pub fn split<'a>(s: &'a str, sep: Option<&str>, maxsplit: i64) -> Result<Vec<&'a str>, TextError> {
    let mut budget = if maxsplit < 0 {
        usize::MAX
    } else {
        maxsplit as usize
    };
    let Some(sep) = sep else {
        return Ok(split_whitespace(s, budget));
    };
    if sep.is_empty() {
        return Err(TextError::value("empty separator"));
    }
    let mut out = Vec::new();
    let mut start = 0;
    for (i, _) in s.match_indices(sep) {
        if budget == 0 {
            break;
        }
        out.push(&s[start..i]);
        start = i + sep.len();
        budget -= 1;
    }
    out.push(&s[start..]);
    Ok(out)
}

fn split_whitespace(s: &str, mut budget: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        rest = rest.trim_start_matches(is_space);
        if rest.is_empty() {
            break;
        }
        if budget == 0 {
            out.push(rest);
            break;
        }
        let end = rest.find(is_space).unwrap_or(rest.len());
        out.push(&rest[..end]);
        rest = &rest[end..];
        budget -= 1;
    }
    out
}

/// `s.rsplit(sep, maxsplit)`: `rsplit("a b c", None, 1) == Ok(vec!["a b", "c"])`.
pub fn rsplit<'a>(s: &'a str, sep: Option<&str>, maxsplit: i64) -> Result<Vec<&'a str>, TextError> {
    let mut budget = if maxsplit < 0 {
        usize::MAX
    } else {
        maxsplit as usize
    };
    let mut out = Vec::new();
    let Some(sep) = sep else {
        let mut rest = s;
        loop {
            rest = rest.trim_end_matches(is_space);
            if rest.is_empty() {
                break;
            }
            if budget == 0 {
                out.push(rest);
                break;
            }
            let start = rest.rfind(is_space).map_or(0, |i| {
                i + rest[i..].chars().next().map_or(1, char::len_utf8)
            });
            out.push(&rest[start..]);
            rest = &rest[..start];
            budget -= 1;
        }
        out.reverse();
        return Ok(out);
    };
    if sep.is_empty() {
        return Err(TextError::value("empty separator"));
    }
    let mut end = s.len();
    for (i, _) in s.rmatch_indices(sep) {
        if budget == 0 {
            break;
        }
        out.push(&s[i + sep.len()..end]);
        end = i;
        budget -= 1;
    }
    out.push(&s[..end]);
    out.reverse();
    Ok(out)
}

/// A line boundary for `str.splitlines` (`\n`, `\r`, `\v`, `\f`, `\x1c`-`\x1e`, `\x85`, U+2028, U+2029).
pub fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\x0b'
            | '\x0c'
            | '\x1c'
            | '\x1d'
            | '\x1e'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// `s.splitlines(keepends)`: `splitlines("a\r\nb\x0bc", false) == vec!["a", "b", "c"]`.
pub fn splitlines(s: &str, keepends: bool) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !is_line_break(c) {
            continue;
        }
        let mut after = i + c.len_utf8();
        if c == '\r' && chars.peek().map(|&(_, n)| n) == Some('\n') {
            chars.next();
            after += 1;
        }
        out.push(&s[start..if keepends { after } else { i }]);
        start = after;
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// `s.strip(chars)`; `None` strips Python whitespace: `strip("xxhixx", Some("x")) == "hi"`.
pub fn strip<'a>(s: &'a str, chars: Option<&str>) -> &'a str {
    rstrip(lstrip(s, chars), chars)
}

/// `s.lstrip(chars)`: `lstrip("  hi ", None) == "hi "`.
pub fn lstrip<'a>(s: &'a str, chars: Option<&str>) -> &'a str {
    match chars {
        None => s.trim_start_matches(is_space),
        Some(set) => s.trim_start_matches(|c| set.contains(c)),
    }
}

/// `s.rstrip(chars)`: `rstrip("line\r\n", Some("\r\n")) == "line"`.
pub fn rstrip<'a>(s: &'a str, chars: Option<&str>) -> &'a str {
    match chars {
        None => s.trim_end_matches(is_space),
        Some(set) => s.trim_end_matches(|c| set.contains(c)),
    }
}

/// `s.expandtabs(tabsize)`: `expandtabs("a\tb", 4) == "a   b"`; columns restart after `\n` and `\r`.
pub fn expandtabs(s: &str, tabsize: i64) -> String {
    let mut out = String::with_capacity(s.len());
    let mut column: i64 = 0;
    for c in s.chars() {
        if c == '\t' {
            if tabsize > 0 {
                let n = tabsize - column % tabsize;
                column += n;
                out.extend(std::iter::repeat_n(' ', n as usize));
            }
        } else {
            column += 1;
            out.push(c);
            if c == '\n' || c == '\r' {
                column = 0;
            }
        }
    }
    out
}

/// Case-ignorable characters for the final-sigma rule (a close approximation of the Unicode
/// property: apostrophes, dots, modifiers and combining marks).
fn is_case_ignorable(c: char) -> bool {
    matches!(
        c,
        '\'' | '.'
            | ':'
            | '^'
            | '`'
            | '\u{ad}'
            | '\u{b7}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{2024}'
            | '\u{2027}'
    ) || matches!(c as u32, 0x2b0..=0x36f | 0x483..=0x489 | 0x591..=0x5bd | 0x200b..=0x200f | 0xfe00..=0xfe0f | 0xfe20..=0xfe2f)
}

/// Whether the capital sigma at `chars[i]` ends a word, so lower-cases to `ς`.
fn is_final_sigma(chars: &[char], i: usize) -> bool {
    let before = chars[..i].iter().rev().find(|&&c| !is_case_ignorable(c));
    let after = chars[i + 1..].iter().find(|&&c| !is_case_ignorable(c));
    before.is_some_and(|&c| is_cased(c)) && !after.is_some_and(|&c| is_cased(c))
}

/// Appends the lower case of `chars[i]`, with Python's final-sigma rule.
fn push_lower(chars: &[char], i: usize, out: &mut String) {
    let c = chars[i];
    if c == '\u{3a3}' {
        out.push(if is_final_sigma(chars, i) { 'ς' } else { 'σ' });
    } else {
        push_lower_char(c, out);
    }
}

/// `s.lower()`: `lower("ΟΔΟΣ") == "οδος"` with a final `ς`.
pub fn lower(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for i in 0..chars.len() {
        push_lower(&chars, i, &mut out);
    }
    out
}

/// `s.upper()`: `upper("straße") == "STRASSE"`.
pub fn upper(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_upper(c, &mut out);
    }
    out
}

/// `s.title()`: `title("hello wORLD 3rd") == "Hello World 3Rd"`.
pub fn title(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut previous_is_cased = false;
    for (i, &c) in chars.iter().enumerate() {
        if previous_is_cased {
            push_lower(&chars, i, &mut out);
        } else {
            push_title(c, &mut out);
        }
        previous_is_cased = is_cased(c);
    }
    out
}

/// `s.capitalize()`: `capitalize("hELLO world") == "Hello world"`.
pub fn capitalize(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if i == 0 {
            push_title(c, &mut out);
        } else {
            push_lower(&chars, i, &mut out);
        }
    }
    out
}

/// `s.swapcase()`: `swapcase("Hello") == "hELLO"`.
pub fn swapcase(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if is_upper(c) {
            push_lower(&chars, i, &mut out);
        } else if is_lower(c) {
            push_upper(c, &mut out);
        } else {
            out.push(c);
        }
    }
    out
}

fn pad(s: &str, left: usize, right: usize, fill: char) -> String {
    let mut out = String::with_capacity(s.len() + (left + right) * fill.len_utf8());
    out.extend(std::iter::repeat_n(fill, left));
    out.push_str(s);
    out.extend(std::iter::repeat_n(fill, right));
    out
}

/// `s.center(width, fill)`: `center("ab", 5, '*') == "**ab*"`, CPython's odd-width rule included.
pub fn center(s: &str, width: i64, fill: char) -> String {
    let len = s.chars().count() as i64;
    if len >= width {
        return s.to_string();
    }
    let marg = width - len;
    let left = marg / 2 + (marg & width & 1);
    pad(s, left as usize, (marg - left) as usize, fill)
}

/// `s.ljust(width, fill)`: `ljust("ab", 4, '.') == "ab.."`.
pub fn ljust(s: &str, width: i64, fill: char) -> String {
    let len = s.chars().count() as i64;
    pad(s, 0, (width - len).max(0) as usize, fill)
}

/// `s.rjust(width, fill)`: `rjust("ab", 4, ' ') == "  ab"`.
pub fn rjust(s: &str, width: i64, fill: char) -> String {
    let len = s.chars().count() as i64;
    pad(s, (width - len).max(0) as usize, 0, fill)
}

/// `s.zfill(width)`: `zfill("-42", 5) == "-0042"`.
pub fn zfill(s: &str, width: i64) -> String {
    let len = s.chars().count() as i64;
    if len >= width {
        return s.to_string();
    }
    let zeros = "0".repeat((width - len) as usize);
    match s.chars().next() {
        Some(sign @ ('+' | '-')) => format!("{sign}{zeros}{}", &s[1..]),
        _ => format!("{zeros}{s}"),
    }
}

/// `s.replace(old, new, count)`; a negative count replaces all, an empty `old` inserts
/// between characters: `replace("ab", "", "-", -1) == "-a-b-"`.
pub fn replace(s: &str, old: &str, new: &str, count: i64) -> String {
    let mut budget = if count < 0 {
        usize::MAX
    } else {
        count as usize
    };
    if old.is_empty() {
        let mut out = String::with_capacity(s.len() + new.len() * (s.len() + 1));
        for c in s.chars() {
            if budget > 0 {
                out.push_str(new);
                budget -= 1;
            }
            out.push(c);
        }
        if budget > 0 {
            out.push_str(new);
        }
        return out;
    }
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for (i, _) in s.match_indices(old) {
        if budget == 0 {
            break;
        }
        out.push_str(&s[last..i]);
        out.push_str(new);
        last = i + old.len();
        budget -= 1;
    }
    out.push_str(&s[last..]);
    out
}

fn all_nonempty(s: &str, pred: impl Fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().all(pred)
}

/// `s.isdigit()`: `isdigit("²3") == true`.
pub fn isdigit(s: &str) -> bool {
    all_nonempty(s, is_digit)
}

/// `s.isdecimal()`: `isdecimal("²") == false`.
pub fn isdecimal(s: &str) -> bool {
    all_nonempty(s, is_decimal)
}

/// `s.isnumeric()`: `isnumeric("五½") == true`.
pub fn isnumeric(s: &str) -> bool {
    all_nonempty(s, is_numeric)
}

/// `s.isalpha()`: `isalpha("你好") == true`.
pub fn isalpha(s: &str) -> bool {
    all_nonempty(s, is_alpha)
}

/// `s.isalnum()`: `isalnum("abc123") == true`.
pub fn isalnum(s: &str) -> bool {
    all_nonempty(s, is_alnum)
}

/// `s.isspace()`: `isspace(" \t\u{3000}") == true`.
pub fn isspace(s: &str) -> bool {
    all_nonempty(s, is_space)
}

/// `s.isprintable()`: `isprintable("") == true`, `isprintable("\n") == false`.
pub fn isprintable(s: &str) -> bool {
    s.chars().all(is_printable)
}

/// `s.isascii()`: `isascii("") == true`.
pub fn isascii(s: &str) -> bool {
    s.is_ascii()
}

/// `s.isupper()`: `isupper("ABC1") == true`, `isupper("1") == false`.
pub fn isupper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if is_lower(c) || is_title(c) {
            return false;
        }
        cased |= is_upper(c);
    }
    cased
}

/// `s.islower()`: `islower("abc1") == true`.
pub fn islower(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if is_upper(c) || is_title(c) {
            return false;
        }
        cased |= is_lower(c);
    }
    cased
}

/// `s.istitle()`: `istitle("Hello World") == true`, `istitle("HEllo") == false`.
pub fn istitle(s: &str) -> bool {
    let mut cased = false;
    let mut previous_is_cased = false;
    for c in s.chars() {
        if is_upper(c) || is_title(c) {
            if previous_is_cased {
                return false;
            }
            previous_is_cased = true;
            cased = true;
        } else if is_lower(c) {
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

/// `s.isidentifier()`: `isidentifier("_变量1") == true`, `isidentifier("1a") == false`.
pub fn isidentifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(is_id_start) && chars.all(is_id_continue)
}
