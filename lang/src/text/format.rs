//! The format-spec mini-language of `format()`, `str.format` and f-strings, as CPython 3.11
//! parses and applies it to int, float and str, with its ValueError messages.
//!
//! `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`

use super::float::{self, Flags};
use super::TextError;
use num_bigint::{BigInt, Sign};
use num_traits::{ToPrimitive, Zero};

/// A parsed format spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatSpec {
    /// The fill character, if one was given before the alignment.
    pub fill: Option<char>,
    /// `<`, `>`, `^` or `=`, if given.
    pub align: Option<char>,
    /// `+`, `-` or ` `, if given.
    pub sign: Option<char>,
    /// `z`: negative zero prints as zero.
    pub no_neg_zero: bool,
    /// `#`: the alternate form.
    pub alternate: bool,
    /// The `0` before the width: zero padding after the sign.
    pub zero: bool,
    pub width: Option<usize>,
    /// `,` or `_`.
    pub grouping: Option<char>,
    pub precision: Option<usize>,
    /// The presentation type, or the object's default (`d` for int, `s` for str, none for float).
    pub ty: Option<char>,
    /// The formatted object's type name, for error messages.
    pub type_name: String,
}

fn too_many_digits() -> String {
    "Too many decimal digits in format string".to_string()
}

/// Reads a decimal number; CPython refuses one that overflows a `Py_ssize_t`.
fn read_number(chars: &[char], pos: &mut usize) -> Result<Option<usize>, String> {
    let start = *pos;
    let mut n: usize = 0;
    while let Some(d) = chars.get(*pos).and_then(|c| c.to_digit(10)) {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(d as usize))
            .filter(|&n| n <= isize::MAX as usize)
            .ok_or_else(too_many_digits)?;
        *pos += 1;
    }
    Ok((*pos > start).then_some(n))
}

fn is_align(c: char) -> bool {
    matches!(c, '<' | '>' | '^' | '=')
}

impl FormatSpec {
    /// Parses `spec` for an object of type `type_name` (`int`, `bool`, `float`, `str`...):
    /// `FormatSpec::parse(">8.3f", "float")`. The error is CPython's ValueError message.
    pub fn parse(spec: &str, type_name: &str) -> Result<FormatSpec, String> {
        let default_ty = match type_name {
            "int" | "bool" => Some('d'),
            "float" => None,
            _ => Some('s'),
        };
        let chars: Vec<char> = spec.chars().collect();
        let mut pos = 0;
        let mut out = FormatSpec {
            fill: None,
            align: None,
            sign: None,
            no_neg_zero: false,
            alternate: false,
            zero: false,
            width: None,
            grouping: None,
            precision: None,
            ty: default_ty,
            type_name: type_name.to_string(),
        };
        if chars.len() >= 2 && is_align(chars[1]) {
            out.fill = Some(chars[0]);
            out.align = Some(chars[1]);
            pos = 2;
        } else if !chars.is_empty() && is_align(chars[0]) {
            out.align = Some(chars[0]);
            pos = 1;
        }
        if let Some(&c @ ('+' | '-' | ' ')) = chars.get(pos) {
            out.sign = Some(c);
            pos += 1;
        }
        if chars.get(pos) == Some(&'z') {
            out.no_neg_zero = true;
            pos += 1;
        }
        if chars.get(pos) == Some(&'#') {
            out.alternate = true;
            pos += 1;
        }
        if out.fill.is_none() && chars.get(pos) == Some(&'0') {
            out.zero = true;
            pos += 1;
        }
        out.width = read_number(&chars, &mut pos)?;
        if chars.get(pos) == Some(&',') {
            out.grouping = Some(',');
            pos += 1;
        }
        if chars.get(pos) == Some(&'_') {
            if out.grouping.is_some() {
                return Err("Cannot specify both ',' and '_'.".to_string());
            }
            out.grouping = Some('_');
            pos += 1;
        }
        if chars.get(pos) == Some(&',') && out.grouping == Some('_') {
            return Err("Cannot specify both ',' and '_'.".to_string());
        }
        if chars.get(pos) == Some(&'.') {
            pos += 1;
            out.precision = read_number(&chars, &mut pos)?;
            if out.precision.is_none() {
                return Err("Format specifier missing precision".to_string());
            }
        }
        let rest = &chars[pos..];
        if rest.len() > 1 {
            return Err(format!(
                "Invalid format specifier '{spec}' for object of type '{type_name}'"
            ));
        }
        if let Some(&c) = rest.first() {
            out.ty = Some(c);
        }
        if let Some(g) = out.grouping {
            match out.ty {
                None | Some('d' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F') => {}
                Some('b' | 'o' | 'x' | 'X') if g == '_' => {}
                Some(t) => return Err(format!("Cannot specify '{g}' with {}.", show_code(t))),
            }
        }
        Ok(out)
    }

    /// The fill character in effect (`0` for zero padding, else space).
    fn fill_char(&self) -> char {
        self.fill.unwrap_or(if self.zero { '0' } else { ' ' })
    }

    /// The alignment in effect for numbers (zero padding means `=`).
    fn number_align(&self) -> char {
        self.align.unwrap_or(if self.zero { '=' } else { '>' })
    }
}

/// A format code as CPython's messages quote it: `'d'`, or `'\x7f'` outside printable ASCII.
fn show_code(c: char) -> String {
    if (c as u32) > 32 && (c as u32) < 128 {
        format!("'{c}'")
    } else {
        format!("'\\x{:x}'", c as u32)
    }
}

fn unknown_code(c: char, type_name: &str) -> TextError {
    TextError::value(format!(
        "Unknown format code {} for object of type '{type_name}'",
        show_code(c)
    ))
}

/// Pads `body` (already `len` chars long) to the spec's width with `align`.
fn pad(body: &str, len: usize, width: Option<usize>, align: char, fill: char) -> String {
    let width = width.unwrap_or(0);
    if len >= width {
        return body.to_string();
    }
    let total = width - len;
    let (left, right) = match align {
        '<' => (0, total),
        '^' => (total / 2, total - total / 2),
        _ => (total, 0),
    };
    let mut out = String::with_capacity(body.len() + total * fill.len_utf8());
    out.extend(std::iter::repeat_n(fill, left));
    out.push_str(body);
    out.extend(std::iter::repeat_n(fill, right));
    out
}

/// `format(s, spec)`: `format_str("ab", &FormatSpec::parse("*^6", "str")?) == Ok("**ab**".into())`.
pub fn format_str(s: &str, spec: &FormatSpec) -> Result<String, TextError> {
    match spec.ty {
        Some('s') | None => {}
        Some(c) => return Err(unknown_code(c, &spec.type_name)),
    }
    if let Some(sign) = spec.sign {
        return Err(TextError::value(if sign == ' ' {
            "Space not allowed in string format specifier"
        } else {
            "Sign not allowed in string format specifier"
        }));
    }
    if spec.no_neg_zero {
        return Err(TextError::value(
            "Negative zero coercion (z) not allowed in string format specifier",
        ));
    }
    if spec.alternate {
        return Err(TextError::value(
            "Alternate form (#) not allowed in string format specifier",
        ));
    }
    if spec.align == Some('=') {
        return Err(TextError::value(
            "'=' alignment not allowed in string format specifier",
        ));
    }
    let (body, len) = match spec.precision {
        Some(p) => {
            let end = s.char_indices().nth(p).map_or(s.len(), |(i, _)| i);
            (&s[..end], s[..end].chars().count())
        }
        None => (s, s.chars().count()),
    };
    Ok(pad(
        body,
        len,
        spec.width,
        spec.align.unwrap_or('<'),
        spec.fill_char(),
    ))
}

/// The parts of a formatted number that CPython's `calc_number_widths` lays out.
struct NumberParts<'a> {
    negative: bool,
    prefix: &'a str,
    /// The digits before any decimal point, to be grouped (empty for inf/nan and `c`).
    digits: &'a str,
    /// The decimal point, the fraction, exponent, `%` or a non-numeric body, copied as is.
    remainder: &'a str,
}

/// Inserts separators every `every` digits, padding with zeros up to `min_width` as CPython's
/// `_PyUnicode_InsertThousandsGrouping` does.
fn group_digits(digits: &str, sep: Option<char>, every: usize, min_width: usize) -> String {
    let Some(sep) = sep else {
        let zeros = min_width.saturating_sub(digits.len());
        return "0".repeat(zeros) + digits;
    };
    let d = digits.as_bytes();
    let mut groups: Vec<String> = Vec::new();
    let mut remaining = d.len() as isize;
    let mut min_width = min_width as isize;
    let every = every as isize;
    loop {
        let l = every.min(remaining.max(min_width).max(1));
        let n_zeros = (l - remaining).max(0);
        let n_chars = remaining.min(l).max(0);
        let end = remaining as usize;
        let start = (remaining - n_chars) as usize;
        let mut g = "0".repeat(n_zeros as usize);
        g.push_str(&digits[start..end]);
        groups.push(g);
        remaining -= n_chars;
        min_width -= every;
        if remaining <= 0 && min_width <= 0 {
            break;
        }
        min_width -= 1;
    }
    groups.reverse();
    groups.join(&sep.to_string())
}

fn render_number(parts: NumberParts<'_>, spec: &FormatSpec, every: usize) -> String {
    let sign = if parts.negative {
        "-"
    } else {
        match spec.sign {
            Some('+') => "+",
            Some(' ') => " ",
            _ => "",
        }
    };
    let align = spec.number_align();
    let fill = spec.fill_char();
    let lead = sign.len() + parts.prefix.len();
    let rem_len = parts.remainder.chars().count();
    let grouped = if parts.digits.is_empty() {
        String::new()
    } else {
        let min_width = if fill == '0' && align == '=' {
            spec.width.unwrap_or(0).saturating_sub(lead + rem_len)
        } else {
            0
        };
        group_digits(parts.digits, spec.grouping, every, min_width)
    };
    let len = lead + grouped.len() + rem_len;
    let width = spec.width.unwrap_or(0);
    if align == '=' {
        let padding = width.saturating_sub(len);
        let mut out = String::new();
        out.push_str(sign);
        out.push_str(parts.prefix);
        out.extend(std::iter::repeat_n(fill, padding));
        out.push_str(&grouped);
        out.push_str(parts.remainder);
        return out;
    }
    let body = format!("{sign}{}{grouped}{}", parts.prefix, parts.remainder);
    pad(&body, len, spec.width, align, fill)
}

/// `format(n, spec)` for an int: `format_int(&255.into(), &FormatSpec::parse("#06x", "int")?) == Ok("0x00ff".into())`.
///
/// Float presentation types (`e f g %`...) convert the int to a float first, as CPython does.
pub fn format_int(n: &BigInt, spec: &FormatSpec) -> Result<String, TextError> {
    let ty = spec.ty.unwrap_or('d');
    match ty {
        'b' | 'c' | 'd' | 'o' | 'x' | 'X' | 'n' => {}
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%' => {
            let x = n
                .to_f64()
                .filter(|x| x.is_finite())
                .ok_or_else(|| TextError::overflow("int too large to convert to float"))?;
            return format_float(x, spec);
        }
        c => return Err(unknown_code(c, &spec.type_name)),
    }
    if spec.precision.is_some() {
        return Err(TextError::value(
            "Precision not allowed in integer format specifier",
        ));
    }
    if spec.no_neg_zero {
        return Err(TextError::value(
            "Negative zero coercion (z) not allowed in integer format specifier",
        ));
    }
    if ty == 'c' {
        if spec.sign.is_some() {
            return Err(TextError::value(
                "Sign not allowed with integer format specifier 'c'",
            ));
        }
        if spec.alternate {
            return Err(TextError::value(
                "Alternate form (#) not allowed with integer format specifier 'c'",
            ));
        }
        let code = n
            .to_i64()
            .ok_or_else(|| TextError::overflow("Python int too large to convert to C long"))?;
        let c = u32::try_from(code)
            .ok()
            .and_then(char::from_u32)
            .ok_or_else(|| TextError::overflow("%c arg not in range(0x110000)"))?;
        let s = c.to_string();
        let parts = NumberParts {
            negative: false,
            prefix: "",
            digits: "",
            remainder: &s,
        };
        return Ok(render_number(parts, spec, 3));
    }
    let (radix, prefix, every) = match ty {
        'b' => (2, "0b", 4),
        'o' => (8, "0o", 4),
        'x' => (16, "0x", 4),
        'X' => (16, "0X", 4),
        _ => (10, "", 3),
    };
    let mut digits = if radix == 10 {
        super::int::to_decimal(&BigInt::from_biguint(Sign::Plus, n.magnitude().clone()))?
    } else {
        n.magnitude().to_str_radix(radix)
    };
    if ty == 'X' {
        digits.make_ascii_uppercase();
    }
    let parts = NumberParts {
        negative: n.sign() == Sign::Minus && !n.is_zero(),
        prefix: if spec.alternate { prefix } else { "" },
        digits: &digits,
        remainder: "",
    };
    Ok(render_number(parts, spec, every))
}

/// `format(x, spec)` for a float: `format_float(2.5, &FormatSpec::parse("08.3f", "float")?) == Ok("0002.500".into())`.
pub fn format_float(x: f64, spec: &FormatSpec) -> Result<String, TextError> {
    let mut flags = Flags {
        alt: spec.alternate,
        no_neg_zero: spec.no_neg_zero,
        ..Flags::default()
    };
    let mut value = x;
    let mut percent = false;
    let (code, precision) = match spec.ty {
        None => {
            flags.add_dot_0 = true;
            match spec.precision {
                Some(p) => ('g', p),
                None => ('r', 0),
            }
        }
        Some(c @ ('e' | 'E' | 'f' | 'F' | 'g' | 'G')) => (c, spec.precision.unwrap_or(6)),
        Some('n') => ('g', spec.precision.unwrap_or(6)),
        Some('%') => {
            value *= 100.0;
            percent = true;
            ('f', spec.precision.unwrap_or(6))
        }
        Some(c) => return Err(unknown_code(c, &spec.type_name)),
    };
    let mut text = float::to_string(value, code, precision, flags);
    if percent {
        text.push('%');
    }
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let n_digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let parts = NumberParts {
        negative,
        prefix: "",
        digits: &body[..n_digits],
        remainder: &body[n_digits..],
    };
    Ok(render_number(parts, spec, 3))
}

/// The arguments of `str.format` / `str.format_map`, implemented by the VM.
pub trait TemplateArgs {
    /// One value (a VM value).
    type Arg;
    /// The VM's exception (KeyError, AttributeError, a failing `__format__`...).
    type Error;
    /// `args[index]`, or `None` past the end (CPython's IndexError follows).
    fn positional(&mut self, index: usize) -> Option<Self::Arg>;
    /// `kwargs[name]`, raising the VM's `KeyError: 'name'` when missing.
    fn keyword(&mut self, name: &str) -> Result<Self::Arg, Self::Error>;
    /// `getattr(obj, name)` for `{0.name}`.
    fn getattr(&mut self, obj: &Self::Arg, name: &str) -> Result<Self::Arg, Self::Error>;
    /// `obj[index]` for `{0[1]}`.
    fn getitem_int(&mut self, obj: &Self::Arg, index: usize) -> Result<Self::Arg, Self::Error>;
    /// `obj[key]` for `{0[key]}`: the key is always a str.
    fn getitem_str(&mut self, obj: &Self::Arg, key: &str) -> Result<Self::Arg, Self::Error>;
    /// `str(obj)` for `!s`.
    fn str(&mut self, obj: &Self::Arg) -> Result<String, Self::Error>;
    /// `repr(obj)` for `!r` and `!a`.
    fn repr(&mut self, obj: &Self::Arg) -> Result<String, Self::Error>;
    /// `format(obj, spec)`.
    fn format(&mut self, obj: &Self::Arg, spec: &str) -> Result<String, Self::Error>;
    /// False for `str.format_map`, whose template may not use positional fields.
    fn allows_positional(&self) -> bool {
        true
    }
}

/// `str.format` errors: CPython's own, or one raised by the VM for an argument.
pub type TemplateError<E> = super::percent::PercentError<E>;

fn template_error<E>(message: &str) -> TemplateError<E> {
    TemplateError::Text(TextError::value(message))
}

/// Automatic (`{}`) or manual (`{0}`) field numbering, shared with nested specs.
#[derive(Default)]
struct Numbering {
    /// `None` until the first numeric field; then whether numbering is automatic.
    automatic: Option<bool>,
    next: usize,
}

/// One replacement field of a template, as `MarkupIterator` splits it.
struct Markup {
    name: Vec<char>,
    conversion: Option<char>,
    spec: Vec<char>,
    spec_needs_expanding: bool,
}

/// `fmt.format(*args, **kwargs)`: `render_template("{0:>5}|{x!r}", &mut args)`.
///
/// Parsing is lazy as in CPython: literal text and fields are rendered in order, so an
/// argument's error comes before a syntax error later in the template.
pub fn render_template<A: TemplateArgs + ?Sized>(
    template: &str,
    args: &mut A,
) -> Result<String, TemplateError<A::Error>> {
    let chars: Vec<char> = template.chars().collect();
    let mut numbering = Numbering::default();
    let mut out = String::with_capacity(template.len());
    build_string(&chars, args, 2, &mut numbering, &mut out)?;
    Ok(out)
}

fn build_string<A: TemplateArgs + ?Sized>(
    s: &[char],
    args: &mut A,
    depth: u32,
    numbering: &mut Numbering,
    out: &mut String,
) -> Result<(), TemplateError<A::Error>> {
    if depth == 0 {
        return Err(template_error("Max string recursion exceeded"));
    }
    let mut pos = 0;
    while pos < s.len() {
        let start = pos;
        let mut brace = None;
        while pos < s.len() {
            let c = s[pos];
            pos += 1;
            if c == '{' || c == '}' {
                brace = Some(c);
                break;
            }
        }
        let at_end = pos >= s.len();
        let mut literal_end = pos;
        let mut markup_follows = brace.is_some();
        if brace == Some('}') && (at_end || s[pos] != '}') {
            return Err(template_error("Single '}' encountered in format string"));
        }
        if at_end && brace == Some('{') {
            return Err(template_error("Single '{' encountered in format string"));
        }
        if let (false, Some(b)) = (at_end, brace) {
            if s[pos] == b {
                // `{{` or `}}`: one literal brace, no field.
                pos += 1;
                markup_follows = false;
            } else {
                literal_end -= 1;
            }
        }
        out.extend(&s[start..literal_end]);
        if markup_follows {
            let markup = parse_field(s, &mut pos)?;
            output_markup(&markup, args, depth, numbering, out)?;
        }
    }
    Ok(())
}

/// CPython's `parse_field`: the field name, `!conversion` and `:spec` up to the closing brace.
fn parse_field<E>(s: &[char], pos: &mut usize) -> Result<Markup, TemplateError<E>> {
    let name_start = *pos;
    let mut c = '\0';
    while *pos < s.len() {
        c = s[*pos];
        *pos += 1;
        match c {
            '{' => return Err(template_error("unexpected '{' in field name")),
            '[' => {
                while *pos < s.len() && s[*pos] != ']' {
                    *pos += 1;
                }
                continue;
            }
            '}' | ':' | '!' => break,
            _ => continue,
        }
    }
    let ended_on_delimiter = matches!(c, '}' | ':' | '!') && *pos > name_start;
    let name_end = if ended_on_delimiter { *pos - 1 } else { *pos };
    let mut markup = Markup {
        name: s[name_start..name_end].to_vec(),
        conversion: None,
        spec: Vec::new(),
        spec_needs_expanding: false,
    };
    if !ended_on_delimiter {
        return Err(template_error("expected '}' before end of string"));
    }
    if c == '}' {
        return Ok(markup);
    }
    if c == '!' {
        let Some(&conv) = s.get(*pos) else {
            return Err(template_error(
                "end of string while looking for conversion specifier",
            ));
        };
        *pos += 1;
        markup.conversion = Some(conv);
        if let Some(&next) = s.get(*pos) {
            *pos += 1;
            if next == '}' {
                return Ok(markup);
            }
            if next != ':' {
                return Err(template_error("expected ':' after conversion specifier"));
            }
        }
    }
    let spec_start = *pos;
    let mut count = 1;
    while *pos < s.len() {
        let c = s[*pos];
        *pos += 1;
        if c == '{' {
            markup.spec_needs_expanding = true;
            count += 1;
        } else if c == '}' {
            count -= 1;
            if count == 0 {
                markup.spec = s[spec_start..*pos - 1].to_vec();
                return Ok(markup);
            }
        }
    }
    Err(template_error("unmatched '{' in format spec"))
}

/// CPython's `get_integer`: the value if every char is a decimal digit (of any script).
fn field_integer<E>(name: &[char]) -> Result<Option<usize>, TemplateError<E>> {
    if name.is_empty() {
        return Ok(None);
    }
    let mut n: usize = 0;
    for &c in name {
        let Some(d) = super::unicode::decimal_value(c) else {
            return Ok(None);
        };
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(d as usize))
            .filter(|&n| n <= isize::MAX as usize)
            .ok_or_else(|| template_error("Too many decimal digits in format string"))?;
    }
    Ok(Some(n))
}

fn output_markup<A: TemplateArgs + ?Sized>(
    markup: &Markup,
    args: &mut A,
    depth: u32,
    numbering: &mut Numbering,
    out: &mut String,
) -> Result<(), TemplateError<A::Error>> {
    let name = &markup.name;
    let first_end = name
        .iter()
        .position(|&c| c == '.' || c == '[')
        .unwrap_or(name.len());
    let first = &name[..first_end];
    let index = field_integer(first)?;
    let empty = first.is_empty();
    let mut obj = if empty || index.is_some() {
        let automatic = *numbering.automatic.get_or_insert(empty);
        if automatic && !empty {
            return Err(template_error(
                "cannot switch from automatic field numbering to manual field specification",
            ));
        }
        if !automatic && empty {
            return Err(template_error(
                "cannot switch from manual field specification to automatic field numbering",
            ));
        }
        let index = match index {
            Some(i) => i,
            None => {
                numbering.next += 1;
                numbering.next - 1
            }
        };
        if !args.allows_positional() {
            return Err(template_error("Format string contains positional fields"));
        }
        args.positional(index).ok_or_else(|| {
            TemplateError::Text(TextError {
                kind: super::ErrorKind::IndexError,
                message: format!(
                    "Replacement index {index} out of range for positional args tuple"
                ),
            })
        })?
    } else {
        let key: String = first.iter().collect();
        args.keyword(&key).map_err(TemplateError::Arg)?
    };
    let mut rest = &name[first_end..];
    while let Some((&c, tail)) = rest.split_first() {
        let (part, next): (&[char], &[char]) = match c {
            '.' => {
                let end = tail
                    .iter()
                    .position(|&c| c == '.' || c == '[')
                    .unwrap_or(tail.len());
                (&tail[..end], &tail[end..])
            }
            '[' => {
                let Some(end) = tail.iter().position(|&c| c == ']') else {
                    return Err(template_error("Missing ']' in format string"));
                };
                (&tail[..end], &tail[end + 1..])
            }
            _ => {
                return Err(template_error(
                    "Only '.' or '[' may follow ']' in format field specifier",
                ))
            }
        };
        if part.is_empty() {
            return Err(template_error("Empty attribute in format string"));
        }
        let text: String = part.iter().collect();
        obj = if c == '.' {
            args.getattr(&obj, &text)
        } else {
            match field_integer(part)? {
                Some(i) => args.getitem_int(&obj, i),
                None => args.getitem_str(&obj, &text),
            }
        }
        .map_err(TemplateError::Arg)?;
        rest = next;
    }
    let converted = match markup.conversion {
        None => None,
        Some('s') => Some(args.str(&obj).map_err(TemplateError::Arg)?),
        Some('r') => Some(args.repr(&obj).map_err(TemplateError::Arg)?),
        Some('a') => {
            let repr = args.repr(&obj).map_err(TemplateError::Arg)?;
            Some(super::percent::ascii_escape(&repr))
        }
        Some(c) => {
            return Err(template_error(&if (c as u32) > 32 && (c as u32) < 127 {
                format!("Unknown conversion specifier {c}")
            } else {
                format!("Unknown conversion specifier \\x{:x}", c as u32)
            }))
        }
    };
    let spec: String = if markup.spec_needs_expanding {
        let mut expanded = String::new();
        build_string(&markup.spec, args, depth - 1, numbering, &mut expanded)?;
        expanded
    } else {
        markup.spec.iter().collect()
    };
    match converted {
        Some(text) => {
            let parsed =
                FormatSpec::parse(&spec, "str").map_err(|m| template_error::<A::Error>(&m))?;
            out.push_str(&format_str(&text, &parsed)?);
        }
        None => out.push_str(&args.format(&obj, &spec).map_err(TemplateError::Arg)?),
    }
    Ok(())
}
