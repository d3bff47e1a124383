//! Number operations whose CPython results are easy to get subtly wrong: float floor
//! division, modulo and `divmod` (CPython's `_float_div_mod`), correctly rounded int true
//! division and int-to-float conversion, with CPython's ZeroDivisionError/OverflowError texts.

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
