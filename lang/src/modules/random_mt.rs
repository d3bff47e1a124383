//! `_random`: CPython's Mersenne Twister (MT19937) with its exact seeding (int seeds via
//! `init_by_array` of the absolute value's 32-bit words; str/bytes seeds through SHA-512
//! as CPython 3.11's version-2 seeding does). `random.py` builds the rest on top.

use std::cell::RefCell;
use std::rc::Rc;

use num_bigint::{BigInt, Sign};

use crate::builtins::{arg_bytes_like, arg_int, Args, NativeTable};
use crate::exc::{type_error, value_error, PyResult};
use crate::types::{new_class, types};
use crate::value::{Class, ClassKind, Instance, Payload, Value};
use crate::vm::Vm;

const FUNCTIONS: NativeTable = &[
    ("new", new),
    ("seed", seed),
    ("random", random),
    ("getrandbits", getrandbits),
    ("getstate", getstate),
    ("setstate", setstate),
    ("sha512", sha512_native),
];

thread_local! {
    static GEN: Rc<Class> = new_class("MT19937", "_random", vec![types().object.clone()], ClassKind::Object, None, &[], true);
}

pub fn module(_vm: &mut Vm) -> Value {
    let (m, _g) = super::make_module("_random", FUNCTIONS);
    m
}

const N: usize = 624;
const M: usize = 397;

/// The generator state, as CPython's `RandomObject`.
pub struct Mt {
    state: [u32; N],
    index: usize,
}

impl Mt {
    pub fn new() -> Mt {
        let mut m = Mt {
            state: [0; N],
            index: N + 1,
        };
        m.init_genrand(5489);
        m
    }

    fn init_genrand(&mut self, s: u32) {
        self.state[0] = s;
        for i in 1..N {
            let p = self.state[i - 1];
            self.state[i] = 1_812_433_253u32
                .wrapping_mul(p ^ (p >> 30))
                .wrapping_add(i as u32);
        }
        self.index = N;
    }

    pub fn init_by_array(&mut self, key: &[u32]) {
        self.init_genrand(19_650_218);
        let (mut i, mut j) = (1usize, 0usize);
        let mt = &mut self.state;
        for _ in 0..N.max(key.len()) {
            let p = mt[i - 1];
            mt[i] = (mt[i] ^ (p ^ (p >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let p = mt[i - 1];
            mt[i] = (mt[i] ^ (p ^ (p >> 30)).wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x8000_0000;
        self.index = N;
    }

    /// Seed from a non-negative integer given as little-endian 32-bit words.
    pub fn seed_words(&mut self, mut words: Vec<u32>) {
        while words.len() > 1 && words.last() == Some(&0) {
            words.pop();
        }
        if words.is_empty() {
            words.push(0);
        }
        self.init_by_array(&words);
    }

    pub fn next_u32(&mut self) -> u32 {
        const UPPER: u32 = 0x8000_0000;
        const LOWER: u32 = 0x7fff_ffff;
        const MATRIX_A: u32 = 0x9908_b0df;
        if self.index >= N {
            let mt = &mut self.state;
            for kk in 0..N {
                let y = (mt[kk] & UPPER) | (mt[(kk + 1) % N] & LOWER);
                let mag = if y & 1 != 0 { MATRIX_A } else { 0 };
                mt[kk] = mt[(kk + M) % N] ^ (y >> 1) ^ mag;
            }
            self.index = 0;
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        y
    }

    /// A float in [0, 1) with 53 random bits, as `random_random`.
    pub fn random(&mut self) -> f64 {
        let a = (self.next_u32() >> 5) as f64;
        let b = (self.next_u32() >> 6) as f64;
        (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `k` random bits as a non-negative int, as `_random_Random_getrandbits_impl`.
    pub fn getrandbits(&mut self, k: u64) -> BigInt {
        if k <= 32 {
            if k == 0 {
                return BigInt::from(0);
            }
            return BigInt::from(self.next_u32() >> (32 - k));
        }
        let words = (k - 1) / 32 + 1;
        let mut bytes = Vec::with_capacity(words as usize * 4);
        let mut left = k;
        for _ in 0..words {
            let mut r = self.next_u32();
            if left < 32 {
                r >>= 32 - left;
            }
            bytes.extend_from_slice(&r.to_le_bytes());
            left = left.saturating_sub(32);
        }
        BigInt::from_bytes_le(Sign::Plus, &bytes)
    }
}

impl Default for Mt {
    fn default() -> Self {
        Mt::new()
    }
}

fn gen(v: &Value) -> PyResult<&RefCell<Mt>> {
    match v {
        Value::Instance(i) => i
            .native::<RefCell<Mt>>()
            .ok_or_else(|| type_error("expected a generator")),
        _ => Err(type_error("expected a generator")),
    }
}

fn new(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    let mut mt = Mt::new();
    seed_from_clock(vm, &mut mt);
    let cls = GEN.with(|c| c.clone());
    Ok(Value::Instance(Rc::new(Instance::new(
        cls,
        Payload::Native(Box::new(RefCell::new(mt))),
    ))))
}

/// CPython seeds from os.urandom; socklab has only the host clocks, so mix both.
fn seed_from_clock(vm: &mut Vm, mt: &mut Mt) {
    let t = (vm.host.time() * 1e9) as u128 ^ ((vm.host.monotonic() * 1e9) as u128).rotate_left(64);
    let words = (0..4).map(|i| (t >> (32 * i)) as u32).collect();
    mt.seed_words(words);
}

/// `seed(gen, a)`: `a` is None, an int (its absolute value seeds), or str/bytes/bytearray.
fn seed(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [g, a] = args.bind("seed", ["*gen", "*a"], 2)?;
    let g = g.expect("arg");
    let a = a.expect("arg");
    let cell = gen(&g)?;
    let n: BigInt = match &a {
        Value::None => {
            let mut mt = cell.borrow_mut();
            seed_from_clock(vm, &mut mt);
            return Ok(Value::None);
        }
        Value::Int(_) | Value::Bool(_) | Value::Long(_) => a.as_bigint().expect("int"),
        Value::Str(s) => seed_bytes(s.as_str().as_bytes()),
        Value::Bytes(_) | Value::ByteArray(_) => seed_bytes(&arg_bytes_like(&a)?),
        other => {
            return Err(type_error(format!(
                "The only supported seed types are: None,\nint, float, str, bytes, and bytearray. (got {})",
                other.type_name()
            )))
        }
    };
    let (_, digits) = n.to_u32_digits();
    cell.borrow_mut().seed_words(digits);
    Ok(Value::None)
}

/// Version-2 seeding: `int.from_bytes(a + sha512(a).digest(), 'big')`.
fn seed_bytes(a: &[u8]) -> BigInt {
    let mut all = a.to_vec();
    all.extend_from_slice(&sha512(a));
    BigInt::from_bytes_be(Sign::Plus, &all)
}

fn random(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [g] = args.bind("random", ["*gen"], 1)?;
    let g = g.expect("arg");
    let x = gen(&g)?.borrow_mut().random();
    Ok(Value::Float(x))
}

fn getrandbits(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [g, k] = args.bind("getrandbits", ["*gen", "*k"], 2)?;
    let g = g.expect("arg");
    let k = arg_int(&k.expect("arg"))?;
    if k < 0 {
        return Err(value_error("number of bits must be non-negative"));
    }
    let r = gen(&g)?.borrow_mut().getrandbits(k as u64);
    Ok(Value::from_bigint(r))
}

/// The state as CPython's `getstate()` inner tuple: 624 words and the index.
fn getstate(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [g] = args.bind("getstate", ["*gen"], 1)?;
    let g = g.expect("arg");
    let mt = gen(&g)?.borrow();
    let mut items: Vec<Value> = mt.state.iter().map(|w| Value::Int(*w as i64)).collect();
    items.push(Value::Int(mt.index as i64));
    Ok(Value::tuple(items))
}

fn setstate(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [g, st] = args.bind("setstate", ["*gen", "*state"], 2)?;
    let g = g.expect("arg");
    let items = vm.iterate(&st.expect("arg"))?;
    if items.len() != N + 1 {
        return Err(value_error("state vector is the wrong size"));
    }
    let mut mt = gen(&g)?.borrow_mut();
    for (i, v) in items[..N].iter().enumerate() {
        mt.state[i] = arg_int(v)? as u32;
    }
    let idx = arg_int(&items[N])?;
    if !(0..=N as i64).contains(&idx) {
        return Err(value_error("invalid state"));
    }
    mt.index = idx as usize;
    Ok(Value::None)
}

fn sha512_native(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [data] = args.bind("sha512", ["*data"], 1)?;
    Ok(Value::bytes(
        sha512(&arg_bytes_like(&data.expect("arg"))?).to_vec(),
    ))
}

pub const SHA512_K: [u64; 80] = [
    0x428a2f98d728ae22,
    0x7137449123ef65cd,
    0xb5c0fbcfec4d3b2f,
    0xe9b5dba58189dbbc,
    0x3956c25bf348b538,
    0x59f111f1b605d019,
    0x923f82a4af194f9b,
    0xab1c5ed5da6d8118,
    0xd807aa98a3030242,
    0x12835b0145706fbe,
    0x243185be4ee4b28c,
    0x550c7dc3d5ffb4e2,
    0x72be5d74f27b896f,
    0x80deb1fe3b1696b1,
    0x9bdc06a725c71235,
    0xc19bf174cf692694,
    0xe49b69c19ef14ad2,
    0xefbe4786384f25e3,
    0x0fc19dc68b8cd5b5,
    0x240ca1cc77ac9c65,
    0x2de92c6f592b0275,
    0x4a7484aa6ea6e483,
    0x5cb0a9dcbd41fbd4,
    0x76f988da831153b5,
    0x983e5152ee66dfab,
    0xa831c66d2db43210,
    0xb00327c898fb213f,
    0xbf597fc7beef0ee4,
    0xc6e00bf33da88fc2,
    0xd5a79147930aa725,
    0x06ca6351e003826f,
    0x142929670a0e6e70,
    0x27b70a8546d22ffc,
    0x2e1b21385c26c926,
    0x4d2c6dfc5ac42aed,
    0x53380d139d95b3df,
    0x650a73548baf63de,
    0x766a0abb3c77b2a8,
    0x81c2c92e47edaee6,
    0x92722c851482353b,
    0xa2bfe8a14cf10364,
    0xa81a664bbc423001,
    0xc24b8b70d0f89791,
    0xc76c51a30654be30,
    0xd192e819d6ef5218,
    0xd69906245565a910,
    0xf40e35855771202a,
    0x106aa07032bbd1b8,
    0x19a4c116b8d2d0c8,
    0x1e376c085141ab53,
    0x2748774cdf8eeb99,
    0x34b0bcb5e19b48a8,
    0x391c0cb3c5c95a63,
    0x4ed8aa4ae3418acb,
    0x5b9cca4f7763e373,
    0x682e6ff3d6b2b8a3,
    0x748f82ee5defb2fc,
    0x78a5636f43172f60,
    0x84c87814a1f0ab72,
    0x8cc702081a6439ec,
    0x90befffa23631e28,
    0xa4506cebde82bde9,
    0xbef9a3f7b2c67915,
    0xc67178f2e372532b,
    0xca273eceea26619c,
    0xd186b8c721c0c207,
    0xeada7dd6cde0eb1e,
    0xf57d4f7fee6ed178,
    0x06f067aa72176fba,
    0x0a637dc5a2c898a6,
    0x113f9804bef90dae,
    0x1b710b35131c471b,
    0x28db77f523047d84,
    0x32caab7b40c72493,
    0x3c9ebe0a15c9bebc,
    0x431d67c49c100d4c,
    0x4cc5d4becb3e42b6,
    0x597f299cfc657e2a,
    0x5fcb6fab3ad6faec,
    0x6c44198c4a475817,
];
pub const SHA512_H0: [u64; 8] = [
    0x6a09e667f3bcc908,
    0xbb67ae8584caa73b,
    0x3c6ef372fe94f82b,
    0xa54ff53a5f1d36f1,
    0x510e527fade682d1,
    0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b,
    0x5be0cd19137e2179,
];

/// SHA-512 (FIPS 180-4); only seeding needs it, so it stays small rather than fast.
pub fn sha512(data: &[u8]) -> [u8; 64] {
    let mut h = SHA512_H0;
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u128) * 8;
    msg.push(0x80);
    while msg.len() % 128 != 112 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for block in msg.chunks(128) {
        let mut w = [0u64; 80];
        for (t, c) in block.chunks(8).enumerate() {
            w[t] = u64::from_be_bytes(c.try_into().expect("8 bytes"));
        }
        for t in 16..80 {
            let s0 = w[t - 15].rotate_right(1) ^ w[t - 15].rotate_right(8) ^ (w[t - 15] >> 7);
            let s1 = w[t - 2].rotate_right(19) ^ w[t - 2].rotate_right(61) ^ (w[t - 2] >> 6);
            w[t] = w[t - 16]
                .wrapping_add(s0)
                .wrapping_add(w[t - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for t in 0..80 {
            let s1 = e.rotate_right(14) ^ e.rotate_right(18) ^ e.rotate_right(41);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(SHA512_K[t])
                .wrapping_add(w[t]);
            let s0 = a.rotate_right(28) ^ a.rotate_right(34) ^ a.rotate_right(39);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 64];
    for (i, x) in h.iter().enumerate() {
        out[i * 8..i * 8 + 8].copy_from_slice(&x.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha512_of_abc_is_the_fips_vector() {
        let d = sha512(b"abc");
        assert_eq!(&d[..8], &[0xdd, 0xaf, 0x35, 0xa1, 0x93, 0x61, 0x7a, 0xba]);
        assert_eq!(&d[56..], &[0x2a, 0x9a, 0xc9, 0x4f, 0xa5, 0x4c, 0xa4, 0x9f]);
    }

    #[test]
    fn seed_42_gives_cpythons_first_float() {
        let mut m = Mt::new();
        m.seed_words(vec![42]);
        assert_eq!(m.random(), 0.6394267984578837);
    }
}
