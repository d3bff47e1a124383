//! Number operations whose CPython results are easy to get subtly wrong: float floor
//! division, modulo and `divmod` (CPython's `_float_div_mod`), correctly rounded int true
//! division and int-to-float conversion, exact int/float comparison, and the `hash()` of
//! ints, floats and tuples (so `hash(1) == hash(1.0)` and int sets can order like CPython's),
//! with CPython's ZeroDivisionError/OverflowError texts.

use super::{ErrorKind, TextError};
use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

fn zero_division(message: &str) -> TextError {
    TextError {
        kind: ErrorKind::ZeroDivisionError,
        message: message.to_string(),
    }
}

/// CPython's `_float_div_mod`: the floor quotient and the remainder with the divisor's sign.
fn float_div_mod(x: f64, y: f64) -> (f64, f64) {
    let mut m = x % y;
    // fmod is exact, so x - m is an exact multiple of y up to one final rounding.
    let mut div = (x - m) / y;
    if m != 0.0 {
        if (y < 0.0) != (m < 0.0) {
            m += y;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(y);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0.0f64.copysign(x / y)
    };
    (floordiv, m)
}

/// `divmod(x, y)` for floats: `float_divmod(1.0, 0.1) == Ok((9.0, 0.09999999999999995))`.
pub fn float_divmod(x: f64, y: f64) -> Result<(f64, f64), TextError> {
    if y == 0.0 {
        return Err(zero_division("float divmod()"));
    }
    Ok(float_div_mod(x, y))
}

/// `x // y` for floats: `float_floordiv(1.0, 0.1) == Ok(9.0)` (not `floor(1.0 / 0.1)`, which is 10).
pub fn float_floordiv(x: f64, y: f64) -> Result<f64, TextError> {
    if y == 0.0 {
        return Err(zero_division("float floor division by zero"));
    }
    Ok(float_div_mod(x, y).0)
}

/// `x % y` for floats: `float_mod(-5.0, f64::INFINITY) == Ok(f64::INFINITY)`.
pub fn float_mod(x: f64, y: f64) -> Result<f64, TextError> {
    if y == 0.0 {
        return Err(zero_division("float modulo"));
    }
    let mut m = x % y;
    if m != 0.0 {
        if (y < 0.0) != (m < 0.0) {
            m += y;
        }
    } else {
        m = 0.0f64.copysign(y);
    }
    Ok(m)
}

/// `float(n)`, correctly rounded: `int_to_float(&(1u64 << 60).into()) == Ok(2f64.powi(60))`.
pub fn int_to_float(n: &BigInt) -> Result<f64, TextError> {
    n.to_f64()
        .filter(|x| x.is_finite())
        .ok_or_else(|| TextError::overflow("int too large to convert to float"))
}

/// `x * 2**e` without intermediate overflow or underflow while the result is normal.
fn ldexp(mut x: f64, mut e: i64) -> f64 {
    while e > 1000 {
        x *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= 2f64.powi(-1000);
        e += 1000;
    }
    x * 2f64.powi(e as i32)
}

/// `a / b` for ints, correctly rounded like CPython's `long_true_divide`:
/// `int_true_divide(&10.into(), &4.into()) == Ok(2.5)`.
pub fn int_true_divide(a: &BigInt, b: &BigInt) -> Result<f64, TextError> {
    if b.is_zero() {
        return Err(zero_division("division by zero"));
    }
    let exact = |n: &BigInt| n.bits() <= 53;
    if exact(a) && exact(b) {
        // Both convert exactly, so one IEEE division rounds once, correctly.
        return Ok(a.to_f64().unwrap_or(0.0) / b.to_f64().unwrap_or(1.0));
    }
    let negative = (a.sign() == Sign::Minus) != (b.sign() == Sign::Minus);
    let (num, den) = (a.abs(), b.abs());
    let k = num.bits() as i64 - den.bits() as i64;
    // Below 2**-1022 the result is subnormal: round once, at the subnormal unit 2**-1074.
    let subnormal = k < -1021 && (&num << 1022usize) < den;
    let magnitude = if num.is_zero() {
        0.0
    } else if subnormal {
        let (mut q, r) = (&num << 1074usize).div_rem(&den);
        let twice = r * 2u32;
        if twice > den || (twice == den && q.is_odd()) {
            q += 1u32;
        }
        ldexp(q.to_f64().unwrap_or(0.0), -1074)
    } else {
        // A quotient of at least 66 bits plus a sticky bit rounds correctly to 53 bits.
        let shift = 66 - k;
        let (q, r) = if shift >= 0 {
            (&num << shift as usize).div_rem(&den)
        } else {
            num.div_rem(&(&den << (-shift) as usize))
        };
        let q = if r.is_zero() {
            q
        } else {
            q | BigInt::from(1u8)
        };
        let f = ldexp(q.to_f64().unwrap_or(f64::INFINITY), -shift);
        if f.is_infinite() {
            return Err(TextError::overflow(
                "integer division result too large for a float",
            ));
        }
        f
    };
    Ok(if negative { -magnitude } else { magnitude })
}

/// Exact comparison of an int with a float, as CPython's `float_richcompare` does:
/// `compare_int_float(&((1 << 53) + 1).into(), 9007199254740992.0) == Some(Ordering::Greater)`
/// where converting the int first would say equal. `None` when `x` is nan.
pub fn compare_int_float(n: &BigInt, x: f64) -> Option<std::cmp::Ordering> {
    use std::cmp::Ordering;
    if x.is_nan() {
        return None;
    }
    if x.is_infinite() {
        return Some(if x > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        });
    }
    let floor = x.floor();
    // An integral float converts to an int exactly.
    let whole = super::int::float_to_int(floor).ok()?;
    Some(match n.cmp(&whole) {
        Ordering::Equal if floor != x => Ordering::Less,
        other => other,
    })
}

/// CPython's hash modulus for numbers, `2**61 - 1`.
const HASH_MODULUS: u64 = (1 << 61) - 1;
const HASH_BITS: u32 = 61;

/// `hash(n)` for an int: `hash_int(&(-1).into()) == -2`, `hash_int(&(1u64 << 61).into()) == 1`.
pub fn hash_int(n: &BigInt) -> i64 {
    let m = (n.magnitude() % HASH_MODULUS).to_u64().unwrap_or(0) as i64;
    let h = if n.sign() == Sign::Minus { -m } else { m };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `hash(x)` for a float, equal to the int's hash when `x` is integral:
/// `hash_float(1.5) == Some(1152921504606846977)`; `None` for nan, whose hash is per object.
pub fn hash_float(x: f64) -> Option<i64> {
    if x.is_nan() {
        return None;
    }
    if x.is_infinite() {
        return Some(if x > 0.0 { 314159 } else { -314159 });
    }
    let (mut m, mut e) = frexp(x);
    let sign: i64 = if m < 0.0 {
        m = -m;
        -1
    } else {
        1
    };
    let mut h: u64 = 0;
    while m != 0.0 {
        h = ((h << 28) & HASH_MODULUS) | (h >> (HASH_BITS - 28));
        m *= 268435456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        h += y;
        if h >= HASH_MODULUS {
            h -= HASH_MODULUS;
        }
    }
    let e = if e >= 0 {
        (e % HASH_BITS as i32) as u32
    } else {
        HASH_BITS - 1 - ((-1 - e) % HASH_BITS as i32) as u32
    };
    h = ((h << e) & HASH_MODULUS) | (h >> (HASH_BITS - e));
    let h = (h as i64).wrapping_mul(sign);
    Some(if h == -1 { -2 } else { h })
}

/// C's `frexp`: `x = m * 2**e` with `0.5 <= |m| < 1` (and `(0.0, 0)` for zero).
fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 {
        return (x, 0);
    }
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    if exponent == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp(x * 2f64.powi(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exponent - 1022)
}

/// `hash(t)` for a tuple, from its items' hashes (CPython 3.8+'s xxHash-based combination):
/// `hash_tuple(&[]) == 5740354900026072187`.
pub fn hash_tuple(item_hashes: &[i64]) -> i64 {
    const PRIME_1: u64 = 11400714785074694791;
    const PRIME_2: u64 = 14029467366897019727;
    const PRIME_5: u64 = 2870177450012600261;
    let mut acc = PRIME_5;
    for &h in item_hashes {
        acc = acc.wrapping_add((h as u64).wrapping_mul(PRIME_2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(PRIME_1);
    }
    acc = acc.wrapping_add(item_hashes.len() as u64 ^ (PRIME_5 ^ 3527539));
    if acc == u64::MAX {
        return 1546275796;
    }
    acc as i64
}
