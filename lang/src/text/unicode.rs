//! Character classes as CPython 3.11 defines them (`str.isprintable`, `isalpha`, ...).
//!
//! The tables come from CPython itself (see `gen/unicode_tables.py`), so the answers match
//! Python's Unicode 14.0 even where Rust's own `char` methods follow a newer Unicode or a
//! different property (Rust's `is_alphabetic` is the Alphabetic property, Python's `isalpha`
//! is the letter categories). Case properties and mappings use Rust's `char` methods (both
//! follow the Uppercase/Lowercase derived properties) corrected by generated exception
//! lists where Rust's newer Unicode disagrees with CPython's.

use super::unicode_tables as t;

fn in_ranges(table: &[(u32, u32)], c: char) -> bool {
    let cp = c as u32;
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// `c.isprintable()`: `is_printable('你')` is true, `is_printable('\u{200b}')` is false.
pub fn is_printable(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    !in_ranges(t::NON_PRINTABLE, c)
}

/// `c.isalpha()`: `is_alpha('中')` is true, `is_alpha('1')` is false.
pub fn is_alpha(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    in_ranges(t::ALPHA, c)
}

/// `c.isdecimal()`: `is_decimal('٣')` is true, `is_decimal('²')` is false.
pub fn is_decimal(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_ranges(t::DECIMAL, c)
}

/// `c.isdigit()`: `is_digit('²')` is true, `is_digit('½')` is false.
pub fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_ranges(t::DIGIT, c)
}

/// `c.isnumeric()`: `is_numeric('½')` and `is_numeric('五')` are true.
pub fn is_numeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_ranges(t::NUMERIC, c)
}

/// `c.isalnum()`: `is_alnum('a')`, `is_alnum('²')` are true, `is_alnum('_')` is false.
pub fn is_alnum(c: char) -> bool {
    is_alpha(c) || is_decimal(c) || is_digit(c) || is_numeric(c)
}

/// `c.isspace()`: `is_space('\x1c')` and `is_space('\u{3000}')` are true, `is_space('\u{200b}')` is false.
pub fn is_space(c: char) -> bool {
    if c.is_ascii() {
        return matches!(
            c,
            ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' | '\x1c'..='\x1f'
        );
    }
    in_ranges(t::SPACE, c)
}

fn case_flags(c: char) -> (bool, bool) {
    if c.is_ascii() {
        return (c.is_ascii_uppercase(), c.is_ascii_lowercase());
    }
    match t::CASE_FLAG_EXCEPTIONS.binary_search_by_key(&(c as u32), |&(cp, _, _)| cp) {
        Ok(i) => (t::CASE_FLAG_EXCEPTIONS[i].1, t::CASE_FLAG_EXCEPTIONS[i].2),
        Err(_) => (c.is_uppercase(), c.is_lowercase()),
    }
}

/// `c.isupper()`: `is_upper('A')` is true.
pub fn is_upper(c: char) -> bool {
    case_flags(c).0
}

/// `c.islower()`: `is_lower('a')` is true.
pub fn is_lower(c: char) -> bool {
    case_flags(c).1
}

fn exception(table: &'static [(u32, &'static str)], c: char) -> Option<&'static str> {
    let i = table
        .binary_search_by_key(&(c as u32), |&(cp, _)| cp)
        .ok()?;
    Some(table[i].1)
}

/// Appends `c.upper()` (`'ß'` gives `"SS"`) to `out`.
pub fn push_upper(c: char, out: &mut String) {
    match exception(t::UPPER_EXCEPTIONS, c) {
        Some(m) if !c.is_ascii() => out.push_str(m),
        _ => out.extend(c.to_uppercase()),
    }
}

/// Appends `c.lower()` without the final-sigma context (`'Σ'` gives `'σ'`) to `out`.
pub fn push_lower(c: char, out: &mut String) {
    match exception(t::LOWER_EXCEPTIONS, c) {
        Some(m) if !c.is_ascii() => out.push_str(m),
        _ => out.extend(c.to_lowercase()),
    }
}

/// A titlecase letter (category Lt, e.g. `'ǅ'`): `is_title('\u{1c5}')` is true.
pub fn is_title(c: char) -> bool {
    !c.is_ascii() && in_ranges(t::TITLE, c)
}

/// Cased as `str.title`/`istitle` use it: upper, lower or titlecase. `is_cased('a')` is true.
pub fn is_cased(c: char) -> bool {
    is_upper(c) || is_lower(c) || is_title(c)
}

/// May start an identifier: `is_id_start('_')` and `is_id_start('变')` are true.
pub fn is_id_start(c: char) -> bool {
    if c.is_ascii() {
        return c == '_' || c.is_ascii_alphabetic();
    }
    in_ranges(t::ID_START, c)
}

/// May continue an identifier: `is_id_continue('1')` is true.
pub fn is_id_continue(c: char) -> bool {
    if c.is_ascii() {
        return c == '_' || c.is_ascii_alphanumeric();
    }
    in_ranges(t::ID_CONTINUE, c)
}

/// The value of a decimal digit of any script: `decimal_value('٣') == Some(3)`.
pub fn decimal_value(c: char) -> Option<u32> {
    if c.is_ascii() {
        return c.to_digit(10);
    }
    let cp = c as u32;
    let i = t::DECIMAL_ZEROS.partition_point(|&z| z <= cp);
    let zero = *t::DECIMAL_ZEROS.get(i.checked_sub(1)?)?;
    (cp - zero < 10).then_some(cp - zero)
}

/// Appends `c.title()` (`'ǆ'` gives `'ǅ'`, `'ß'` gives `"Ss"`) to `out`.
pub fn push_title(c: char, out: &mut String) {
    if !c.is_ascii() {
        if let Ok(i) = t::TITLE_MAP.binary_search_by_key(&(c as u32), |&(cp, _)| cp) {
            out.push_str(t::TITLE_MAP[i].1);
            return;
        }
    }
    push_upper(c, out);
}
