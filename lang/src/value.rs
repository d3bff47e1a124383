//! The object model: every Python value the VM handles, with cheap (`Rc`) clones.
//!
//! Invariants:
//! * an int that fits in `i64` is always `Value::Int`; `Value::Long` only holds bigger ones,
//!   so equality and hashing never have to compare the two representations;
//! * builtin types are [`Class`] objects too (see [`crate::types`]), so `type(x)`,
//!   `isinstance` and method lookup work the same way for builtin and user classes;
//! * dict and set keys use Python semantics (`1 == 1.0 == True` hash alike) through
//!   [`Key`]; user instances hash by identity.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::rc::Rc;

use num_bigint::BigInt;
use num_traits::ToPrimitive;

use crate::builtins::NativeFnPtr;
use crate::code::Code;

/// A Python value.
#[derive(Clone)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    /// Only for ints outside `i64` (see the module invariants).
    Long(Rc<BigInt>),
    Float(f64),
    Str(Rc<PyStr>),
    Bytes(Rc<Vec<u8>>),
    ByteArray(Rc<RefCell<Vec<u8>>>),
    List(Rc<RefCell<Vec<Value>>>),
    Tuple(Rc<Vec<Value>>),
    Dict(Rc<RefCell<Dict>>),
    Set(Rc<RefCell<Set>>),
    FrozenSet(Rc<Set>),
    Range(Rc<RangeObj>),
    Slice(Rc<SliceObj>),
    Function(Rc<Function>),
    Native(Rc<NativeFunc>),
    BoundMethod(Rc<BoundMethod>),
    Class(Rc<Class>),
    Instance(Rc<Instance>),
    Module(Rc<Module>),
    Iterator(Rc<RefCell<IterState>>),
    Generator(Rc<Generator>),
    Ellipsis,
    NotImplemented,
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::None => write!(f, "None"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Long(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Str(s) => write!(f, "{:?}", s.as_str()),
            Value::Bytes(b) => write!(f, "b{:?}", String::from_utf8_lossy(b)),
            other => write!(f, "<{}>", other.type_name()),
        }
    }
}

// ---------------------------------------------------------------------------------------
// str

/// A Python `str`: UTF-8 text plus its length in characters, so `len()` is O(1) and
/// indexing is O(1) for ASCII-only text (the common case in socket scripts).
pub struct PyStr {
    s: String,
    chars: usize,
    /// The hash of the text, computed on first use (0 = not yet).
    hash: Cell<u64>,
}

impl PyStr {
    pub fn new(s: String) -> PyStr {
        let chars = if s.is_ascii() {
            s.len()
        } else {
            s.chars().count()
        };
        PyStr {
            s,
            chars,
            hash: Cell::new(0),
        }
    }
    /// A hash of the text, cached (dict keys and attribute names are hashed often).
    pub fn hash_code(&self) -> u64 {
        let h = self.hash.get();
        if h != 0 {
            return h;
        }
        let mut st = FxHasher::default();
        st.write(self.s.as_bytes());
        let h = st.finish() | 1;
        self.hash.set(h);
        h
    }
    pub fn as_str(&self) -> &str {
        &self.s
    }
    /// Length in characters (Python's `len`).
    pub fn char_len(&self) -> usize {
        self.chars
    }
    pub fn is_ascii(&self) -> bool {
        self.chars == self.s.len()
    }
    /// The character at a (non-negative, in range) character index.
    pub fn char_at(&self, i: usize) -> Option<char> {
        if self.is_ascii() {
            self.s.as_bytes().get(i).map(|&b| b as char)
        } else {
            self.s.chars().nth(i)
        }
    }
    /// Byte offset of a character index (`i <= char_len`).
    pub fn byte_offset(&self, i: usize) -> usize {
        if self.is_ascii() {
            i.min(self.s.len())
        } else {
            self.s
                .char_indices()
                .nth(i)
                .map(|(b, _)| b)
                .unwrap_or(self.s.len())
        }
    }
    /// The substring between two character indices (clamped).
    pub fn substr(&self, start: usize, end: usize) -> &str {
        let a = self.byte_offset(start);
        let b = self.byte_offset(end.max(start));
        &self.s[a..b]
    }
}

impl fmt::Debug for PyStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.s)
    }
}

// ---------------------------------------------------------------------------------------
// constructors and small conversions

impl Value {
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(Rc::new(PyStr::new(s.into())))
    }
    pub fn bytes(b: Vec<u8>) -> Value {
        Value::Bytes(Rc::new(b))
    }
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Rc::new(items))
    }
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(items)))
    }
    pub fn dict(d: Dict) -> Value {
        Value::Dict(Rc::new(RefCell::new(d)))
    }
    /// An int from a BigInt, normalised to `Value::Int` when it fits.
    pub fn from_bigint(b: BigInt) -> Value {
        match b.to_i64() {
            Some(i) => Value::Int(i),
            None => Value::Long(Rc::new(b)),
        }
    }
    pub fn from_i128(i: i128) -> Value {
        match i64::try_from(i) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Long(Rc::new(BigInt::from(i))),
        }
    }
    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }
    /// The text of a `str` value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }
    /// `int` or `bool` as i64 (None for floats, big ints and everything else).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(*b as i64),
            Value::Instance(_) => self.int_enum(),
            _ => None,
        }
    }
    /// The int value of an IntEnum-like member (`socket.AF_INET`), if this is one.
    /// Also the small int inside an instance of a user subclass of `int`.
    pub fn int_enum(&self) -> Option<i64> {
        match self {
            Value::Instance(i) => match i.native::<IntEnumMember>() {
                Some(m) => Some(m.value),
                None => match i.native::<BaseValue>() {
                    Some(BaseValue(Value::Int(n))) => Some(*n),
                    _ => None,
                },
            },
            _ => None,
        }
    }
    /// An IntEnum-like member as the plain int it stands for, an instance of a user
    /// subclass of a builtin type (`class L(list)`) as the builtin value it wraps;
    /// anything else unchanged. Applied where values enter builtin methods, int
    /// arithmetic, comparison, hashing and formatting.
    pub fn unenum(&self) -> Value {
        if let Value::Instance(i) = self {
            if let Some(m) = i.native::<IntEnumMember>() {
                return Value::Int(m.value);
            }
            if let Some(b) = i.native::<BaseValue>() {
                return b.0.clone();
            }
        }
        self.clone()
    }
    /// The builtin value wrapped by an instance of a user subclass of a builtin type.
    pub fn base_value(&self) -> Option<&Value> {
        match self {
            Value::Instance(i) => i.native::<BaseValue>().map(|b| &b.0),
            _ => None,
        }
    }
    /// Any int (including bool and big ints) as a BigInt.
    pub fn as_bigint(&self) -> Option<BigInt> {
        match self {
            Value::Int(i) => Some(BigInt::from(*i)),
            Value::Bool(b) => Some(BigInt::from(*b as i64)),
            Value::Long(b) => Some((**b).clone()),
            Value::Instance(_) => self.int_enum().map(BigInt::from),
            _ => None,
        }
    }
    pub fn is_int(&self) -> bool {
        matches!(self, Value::Int(_) | Value::Bool(_) | Value::Long(_))
    }
    /// Identity (`is`).
    pub fn is(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (None, None) | (Ellipsis, Ellipsis) | (NotImplemented, NotImplemented) => true,
            (Bool(a), Bool(b)) => a == b,
            // Small ints are cached in CPython; treat equal ints as identical.
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => a.to_bits() == b.to_bits(),
            (Long(a), Long(b)) => Rc::ptr_eq(a, b),
            (Str(a), Str(b)) => Rc::ptr_eq(a, b) || (a.s.len() <= 1 && a.s == b.s),
            (Bytes(a), Bytes(b)) => Rc::ptr_eq(a, b),
            (ByteArray(a), ByteArray(b)) => Rc::ptr_eq(a, b),
            (List(a), List(b)) => Rc::ptr_eq(a, b),
            (Tuple(a), Tuple(b)) => Rc::ptr_eq(a, b) || (a.is_empty() && b.is_empty()),
            (Dict(a), Dict(b)) => Rc::ptr_eq(a, b),
            (Set(a), Set(b)) => Rc::ptr_eq(a, b),
            (FrozenSet(a), FrozenSet(b)) => Rc::ptr_eq(a, b),
            (Range(a), Range(b)) => Rc::ptr_eq(a, b),
            (Slice(a), Slice(b)) => Rc::ptr_eq(a, b),
            (Function(a), Function(b)) => Rc::ptr_eq(a, b),
            (Native(a), Native(b)) => Rc::ptr_eq(a, b),
            (BoundMethod(a), BoundMethod(b)) => Rc::ptr_eq(a, b),
            (Class(a), Class(b)) => Rc::ptr_eq(a, b),
            (Instance(a), Instance(b)) => Rc::ptr_eq(a, b),
            (Module(a), Module(b)) => Rc::ptr_eq(a, b),
            (Iterator(a), Iterator(b)) => Rc::ptr_eq(a, b),
            (Generator(a), Generator(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
    /// A stable identity number (`id()`), the address of the shared allocation.
    pub fn id(&self) -> usize {
        use Value::*;
        match self {
            Long(r) => Rc::as_ptr(r) as usize,
            Str(r) => Rc::as_ptr(r) as usize,
            Bytes(r) => Rc::as_ptr(r) as usize,
            ByteArray(r) => Rc::as_ptr(r) as *const u8 as usize,
            List(r) => Rc::as_ptr(r) as *const u8 as usize,
            Tuple(r) => Rc::as_ptr(r) as usize,
            Dict(r) => Rc::as_ptr(r) as *const u8 as usize,
            Set(r) => Rc::as_ptr(r) as *const u8 as usize,
            FrozenSet(r) => Rc::as_ptr(r) as usize,
            Range(r) => Rc::as_ptr(r) as usize,
            Slice(r) => Rc::as_ptr(r) as usize,
            Function(r) => Rc::as_ptr(r) as usize,
            Native(r) => Rc::as_ptr(r) as usize,
            BoundMethod(r) => Rc::as_ptr(r) as usize,
            Class(r) => Rc::as_ptr(r) as usize,
            Instance(r) => Rc::as_ptr(r) as usize,
            Module(r) => Rc::as_ptr(r) as usize,
            Iterator(r) => Rc::as_ptr(r) as *const u8 as usize,
            Generator(r) => Rc::as_ptr(r) as usize,
            Int(i) => 0x1000_0000usize.wrapping_add((*i as usize).wrapping_mul(32)),
            Float(f) => f.to_bits() as usize,
            Bool(b) => 0x900 + *b as usize,
            None => 0x800,
            Ellipsis => 0x810,
            NotImplemented => 0x820,
        }
    }
}

// ---------------------------------------------------------------------------------------
// dict / set keys

/// A dict or set key: a value with Python's hash and `==` for hashable builtin values.
/// Construct with [`Key::new`], which rejects unhashable values, or the VM's `hash_key`.
///
/// Keys whose `==` needs the VM (an instance with a Python `__eq__`/`__hash__`, or a
/// tuple holding one) are equal here only when they hold the same objects; the VM first
/// maps an equal key to the stored one (`Vm::canon_key`, through [`Dict::candidates`]
/// and their Python hash, see [`slow_hash`]), then the lookup is exact.
#[derive(Clone, Debug)]
pub struct Key(pub Value);

/// Why a value cannot be a key: the type name for `unhashable type: 'list'`.
#[derive(Debug)]
pub struct Unhashable(pub String);

impl Key {
    pub fn new(v: Value) -> Result<Key, Unhashable> {
        // An IntEnum member is the same key as its int (`{AF_INET: x}[2]`).
        let v = match v {
            Value::Instance(_) => v.unenum(),
            _ => v,
        };
        check_hashable(&v)?;
        Ok(Key(v))
    }
    /// A key for a value known to be hashable without the VM (a str, an int).
    pub fn plain(v: Value) -> Key {
        Key(v)
    }
}

/// The Python hash of a key whose `==` needs the VM: the last result of its instances'
/// Python `__hash__` (recorded by the VM when it made the key), combined as CPython
/// hashes tuples. `None` for every other key (the common, fast case).
pub fn slow_hash(v: &Value) -> Option<i64> {
    match v {
        Value::Instance(i) => i.py_hash.get(),
        Value::Tuple(items) => {
            if !items.iter().any(|x| slow_hash(x).is_some()) {
                return None;
            }
            let hashes = items.iter().map(|x| {
                slow_hash(x).unwrap_or_else(|| crate::builtins::functions::cpython_hash(x))
            });
            Some(tuple_hash(hashes, items.len()))
        }
        _ => None,
    }
}

/// CPython's xxHash-based tuple hash over the items' hashes.
pub fn tuple_hash(hashes: impl Iterator<Item = i64>, len: usize) -> i64 {
    const P1: u64 = 11400714785074694791;
    const P2: u64 = 14029467366897019727;
    const P5: u64 = 2870177450012600261;
    let mut acc = P5;
    for h in hashes {
        acc = acc.wrapping_add((h as u64).wrapping_mul(P2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(P1);
    }
    acc = acc.wrapping_add((len as u64) ^ (P5 ^ 3527539));
    if acc as i64 == -1 {
        1546275796
    } else {
        acc as i64
    }
}

fn check_hashable(v: &Value) -> Result<(), Unhashable> {
    match v {
        Value::List(_) | Value::Dict(_) | Value::Set(_) | Value::ByteArray(_) | Value::Slice(_) => {
            Err(Unhashable(v.type_name()))
        }
        Value::Tuple(items) => items.iter().try_for_each(check_hashable),
        Value::Instance(inst) => {
            // A class that defines __eq__ without __hash__ is unhashable, as in CPython.
            let c = &inst.class;
            if matches!(c.lookup("__hash__"), Some(Value::None)) {
                Err(Unhashable(c.name.to_string()))
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// Python's hash of an integral value (mod 2**61 - 1), so ints and equal floats collide.
fn hash_int_i64(i: i64) -> u64 {
    const P: i128 = (1 << 61) - 1;
    let m = (i as i128).rem_euclid(P);
    if i < 0 {
        (-(m as i64)) as u64
    } else {
        m as u64
    }
}

fn hash_value<H: Hasher>(v: &Value, state: &mut H) {
    match v {
        Value::None => 0u8.hash(state),
        Value::Bool(b) => hash_int_i64(*b as i64).hash(state),
        Value::Int(i) => hash_int_i64(*i).hash(state),
        Value::Long(b) => {
            // Never equal to an i64 (invariant), nor to a float in practice except huge
            // integral floats; hash its digits.
            b.to_bytes_le().1.hash(state)
        }
        Value::Float(f) => {
            use num_traits::{FromPrimitive, ToPrimitive};
            if f.fract() == 0.0 && f.abs() < 9.2e18 {
                hash_int_i64(*f as i64).hash(state)
            } else if f.is_finite() && f.fract() == 0.0 {
                // Equal to a big int (`2.0**63 == 2**63`): hash as that int does.
                let b = BigInt::from_f64(*f).expect("finite float");
                match b.to_i64() {
                    Some(i) => hash_int_i64(i).hash(state),
                    None => b.to_bytes_le().1.hash(state),
                }
            } else {
                f.to_bits().hash(state)
            }
        }
        Value::Str(s) => state.write_u64(s.hash_code()),
        Value::Bytes(b) => b.as_slice().hash(state),
        Value::Tuple(items) => {
            items.len().hash(state);
            for it in items.iter() {
                hash_value(it, state);
            }
        }
        Value::FrozenSet(s) => {
            // Order-independent: combine element hashes with xor.
            let mut acc = 0u64;
            for k in s.iter() {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                hash_value(&k.0, &mut h);
                acc ^= h.finish();
            }
            acc.hash(state)
        }
        other => other.id().hash(state),
    }
}

/// `==` between two values, for the builtin types that do not need the VM (user
/// instances compare by identity here; the VM handles `__eq__`).
pub fn values_equal(a: &Value, b: &Value) -> bool {
    use Value::*;
    match (a, b) {
        (Int(x), Int(y)) => x == y,
        (Str(x), Str(y)) => Rc::ptr_eq(x, y) || x.s == y.s,
        (Bool(x), Bool(y)) => x == y,
        (Int(x), Bool(y)) | (Bool(y), Int(x)) => *x == *y as i64,
        (Float(x), Float(y)) => x == y,
        (Int(x), Float(y)) | (Float(y), Int(x)) => {
            crate::text::arith::compare_int_float(&BigInt::from(*x), *y)
                == Some(std::cmp::Ordering::Equal)
        }
        (Bool(x), Float(y)) | (Float(y), Bool(x)) => (*x as i64 as f64) == *y,
        (Long(x), Long(y)) => x == y,
        (Long(x), Float(y)) | (Float(y), Long(x)) => {
            crate::text::arith::compare_int_float(x, *y) == Some(std::cmp::Ordering::Equal)
        }
        (Bytes(x), Bytes(y)) => x == y,
        (ByteArray(x), ByteArray(y)) => Rc::ptr_eq(x, y) || *x.borrow() == *y.borrow(),
        (Bytes(x), ByteArray(y)) | (ByteArray(y), Bytes(x)) => **x == *y.borrow(),
        (Tuple(x), Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| values_equal(p, q))
        }
        (List(x), List(y)) => {
            if Rc::ptr_eq(x, y) {
                return true;
            }
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| values_equal(p, q))
        }
        (Dict(x), Dict(y)) => {
            if Rc::ptr_eq(x, y) {
                return true;
            }
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, &w)))
        }
        (Set(x), Set(y)) => *x.borrow() == *y.borrow(),
        (FrozenSet(x), FrozenSet(y)) => **x == **y,
        (Set(x), FrozenSet(y)) | (FrozenSet(y), Set(x)) => *x.borrow() == **y,
        (Range(x), Range(y)) => {
            let (lx, ly) = (x.len(), y.len());
            lx == ly && (lx == 0 || (x.start == y.start && (lx == 1 || x.step == y.step)))
        }
        (Slice(x), Slice(y)) => {
            values_equal(&x.start, &y.start)
                && values_equal(&x.stop, &y.stop)
                && values_equal(&x.step, &y.step)
        }
        _ => a.is(b),
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        values_equal(&self.0, &other.0)
    }
}
impl Eq for Key {}
impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_value(&self.0, state)
    }
}

/// Python's `hash()` of a hashable builtin value (as an i64, not CPython's exact numbers
/// except for ints).
pub fn py_hash(v: &Value) -> i64 {
    match v {
        Value::Int(i) => {
            let h = hash_int_i64(*i) as i64;
            if h == -1 {
                -2
            } else {
                h
            }
        }
        Value::Bool(b) => *b as i64,
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => py_hash(&Value::Int(*f as i64)),
        _ => {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            hash_value(v, &mut h);
            (h.finish() >> 2) as i64
        }
    }
}

// ---------------------------------------------------------------------------------------
// dict

/// An insertion-ordered dict. Deleted entries leave holes that are compacted when they
/// outnumber live entries.
#[derive(Clone, Default)]
pub struct Dict {
    entries: Vec<Option<(Key, Value)>>,
    index: HashMap<Key, usize, BuildHasherDefault<FxHasher>>,
    /// The keys whose `==` needs the VM, by Python hash (see [`Key`]); usually empty.
    slow: HashMap<i64, Vec<Key>, BuildHasherDefault<FxHasher>>,
    /// Changes whenever the set of keys (or their positions) changes; unique across
    /// dicts, so `(version, position)` can be cached by `LoadGlobal`.
    keys_version: u64,
}

thread_local! {
    static NEXT_VERSION: Cell<u64> = const { Cell::new(1) };
}

fn next_version() -> u64 {
    NEXT_VERSION.with(|v| {
        let n = v.get();
        v.set(n + 1);
        n
    })
}

/// Attribute dicts of classes, instances and functions (str keys, FxHash).
pub type AttrMap = HashMap<Rc<str>, Value, BuildHasherDefault<FxHasher>>;

/// A fast non-cryptographic hasher (FxHash) for dict indexes: scripts are not an
/// adversary of their own dicts.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(i as u64)
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64)
    }
}

impl Dict {
    pub fn new() -> Dict {
        Dict::default()
    }
    pub fn len(&self) -> usize {
        self.index.len()
    }
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }
    pub fn get(&self, k: &Key) -> Option<Value> {
        self.index
            .get(k)
            .and_then(|&i| self.entries[i].as_ref().map(|(_, v)| v.clone()))
    }
    /// Lookup by a str key without building a `Key` value first.
    pub fn get_str(&self, k: &str) -> Option<Value> {
        self.get(&Key::plain(Value::str(k)))
    }
    /// The stored keys that may equal `k` by a Python `__eq__`: those with its Python
    /// hash, and for a str/int subclass instance the plain key of its value. Empty (no
    /// allocation) for a builtin key when no key of the dict has a Python `__eq__`.
    pub fn candidates(&self, k: &Key) -> Vec<Key> {
        match slow_hash(&k.0) {
            Some(h) => {
                let mut out = self.slow.get(&h).cloned().unwrap_or_default();
                // Builtin keys it may equal: its own value (a str/int subclass), and the
                // int whose hash is `h` (an int hashes to itself below 2**61 - 1).
                let plain = [
                    k.0.base_value().and_then(|b| Key::new(b.clone()).ok()),
                    Some(Key(Value::Int(h))),
                ];
                for pk in plain.into_iter().flatten() {
                    if let Some(Some((stored, _))) =
                        self.index.get(&pk).map(|&i| self.entries[i].as_ref())
                    {
                        if !out.iter().any(|o| o.0.is(&stored.0)) {
                            out.push(stored.clone());
                        }
                    }
                }
                out
            }
            None if self.slow.is_empty() => Vec::new(),
            None => {
                let h = crate::builtins::functions::cpython_hash(&k.0);
                self.slow.get(&h).cloned().unwrap_or_default()
            }
        }
    }
    /// Does any key need the VM for `==`?
    pub fn has_slow_keys(&self) -> bool {
        !self.slow.is_empty()
    }
    fn forget_slow(&mut self, k: &Key) {
        if self.slow.is_empty() {
            return;
        }
        let Some(h) = slow_hash(&k.0) else {
            return;
        };
        // A key object whose hash was recorded anew since it was stored (a mutated
        // key, hashed again) is not in its current bucket: scan for it.
        let hashes: Vec<i64> = if self.slow.get(&h).is_some_and(|v| v.contains(k)) {
            vec![h]
        } else {
            self.slow.keys().copied().collect()
        };
        for h in hashes {
            if let Some(v) = self.slow.get_mut(&h) {
                let before = v.len();
                v.retain(|x| x != k);
                let removed = v.len() != before;
                if v.is_empty() {
                    self.slow.remove(&h);
                }
                if removed {
                    break;
                }
            }
        }
    }
    pub fn contains(&self, k: &Key) -> bool {
        self.index.contains_key(k)
    }
    /// Insert or replace (a replaced key keeps its position and its original key object).
    pub fn insert(&mut self, k: Key, v: Value) {
        if let Some(&i) = self.index.get(&k) {
            if let Some(e) = self.entries[i].as_mut() {
                e.1 = v;
            }
            return;
        }
        self.keys_version = next_version();
        if let Some(h) = slow_hash(&k.0) {
            self.slow.entry(h).or_default().push(k.clone());
        }
        self.index.insert(k.clone(), self.entries.len());
        self.entries.push(Some((k, v)));
    }

    /// The keys version (see the field) and, for `k`, its position if present.
    pub fn version(&mut self) -> u64 {
        if self.keys_version == 0 {
            self.keys_version = next_version();
        }
        self.keys_version
    }

    /// Position of a key in `entries` (for version-checked caches).
    pub fn position(&self, k: &Key) -> Option<usize> {
        self.index.get(k).copied()
    }

    /// The value at a position returned by [`Dict::position`].
    pub fn value_at(&self, pos: usize) -> Option<Value> {
        self.entries
            .get(pos)
            .and_then(|e| e.as_ref().map(|(_, v)| v.clone()))
    }
    pub fn set_str(&mut self, k: &str, v: Value) {
        self.insert(Key::plain(Value::str(k)), v)
    }
    pub fn remove(&mut self, k: &Key) -> Option<Value> {
        let i = self.index.remove(k)?;
        self.forget_slow(k);
        self.keys_version = next_version();
        let old = self.entries[i].take().map(|(_, v)| v);
        if self.entries.len() > 16 && self.index.len() * 2 < self.entries.len() {
            self.compact();
        }
        old
    }
    fn compact(&mut self) {
        self.entries.retain(|e| e.is_some());
        self.index.clear();
        for (i, e) in self.entries.iter().enumerate() {
            if let Some((k, _)) = e {
                self.index.insert(k.clone(), i);
            }
        }
    }
    pub fn clear(&mut self) {
        self.keys_version = next_version();
        self.entries.clear();
        self.index.clear();
        self.slow.clear();
    }
    /// Entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&Key, &Value)> {
        self.entries
            .iter()
            .filter_map(|e| e.as_ref().map(|(k, v)| (k, v)))
    }
    pub fn keys(&self) -> Vec<Value> {
        self.iter().map(|(k, _)| k.0.clone()).collect()
    }
    pub fn values(&self) -> Vec<Value> {
        self.iter().map(|(_, v)| v.clone()).collect()
    }
    pub fn items(&self) -> Vec<(Value, Value)> {
        self.iter().map(|(k, v)| (k.0.clone(), v.clone())).collect()
    }
    /// The n-th live entry (for iterators that walk by position).
    pub fn entry_at(&self, pos: usize) -> Option<(Value, Value)> {
        self.iter().nth(pos).map(|(k, v)| (k.0.clone(), v.clone()))
    }
    /// Remove and return the last inserted entry (`popitem`).
    pub fn pop_last(&mut self) -> Option<(Value, Value)> {
        self.keys_version = next_version();
        while let Some(e) = self.entries.pop() {
            if let Some((k, v)) = e {
                self.index.remove(&k);
                self.forget_slow(&k);
                return Some((k.0, v));
            }
        }
        None
    }
}

// ---------------------------------------------------------------------------------------
// set

/// A set: insertion-ordered (CPython's order is by hash; scripts that print sets of
/// small ints see the same order since those hash to themselves and are usually
/// inserted ascending).
#[derive(Clone, Default)]
pub struct Set {
    pub items: Dict,
}

impl Set {
    pub fn new() -> Set {
        Set::default()
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn contains(&self, k: &Key) -> bool {
        self.items.contains(k)
    }
    pub fn insert(&mut self, k: Key) {
        self.items.insert(k, Value::None)
    }
    pub fn remove(&mut self, k: &Key) -> bool {
        self.items.remove(k).is_some()
    }
    pub fn iter(&self) -> impl Iterator<Item = &Key> {
        self.items.iter().map(|(k, _)| k)
    }
}

impl PartialEq for Set {
    fn eq(&self, other: &Set) -> bool {
        self.len() == other.len() && self.iter().all(|k| other.contains(k))
    }
}

// ---------------------------------------------------------------------------------------
// range, slice

#[derive(Clone, Debug)]
pub struct RangeObj {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

impl RangeObj {
    pub fn len(&self) -> usize {
        let n = if self.step > 0 {
            (self.stop as i128 - self.start as i128 + self.step as i128 - 1) / self.step as i128
        } else {
            (self.start as i128 - self.stop as i128 - self.step as i128 - 1)
                / (-(self.step as i128))
        };
        n.max(0) as usize
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn get(&self, i: usize) -> i64 {
        self.start + self.step * i as i64
    }
}

#[derive(Clone, Debug)]
pub struct SliceObj {
    pub start: Value,
    pub stop: Value,
    pub step: Value,
}

// ---------------------------------------------------------------------------------------
// functions, methods, classes, instances, modules

/// The variables a module's code sees as globals.
pub type Globals = Rc<RefCell<Dict>>;

/// A closure cell (a variable shared between a function and the functions nested in it).
pub type CellRef = Rc<RefCell<Option<Value>>>;

/// A Python function: code plus its defaults, closure and globals.
pub struct Function {
    pub code: Rc<Code>,
    pub name: RefCell<Rc<str>>,
    pub qualname: Rc<str>,
    pub globals: Globals,
    pub defaults: Vec<Value>,
    pub kwdefaults: Vec<(Rc<str>, Value)>,
    pub closure: Vec<CellRef>,
    /// The class whose body defined this function (for zero-argument `super()`).
    pub class: RefCell<Option<Rc<Class>>>,
    pub dict: RefCell<AttrMap>,
    pub doc: Option<Rc<str>>,
}

/// A function written in Rust. `bound` is the receiver for methods bound at lookup time
/// is handled by [`BoundMethod`]; this is the unbound callable.
pub struct NativeFunc {
    pub name: &'static str,
    /// The owner's name for messages and reprs (`"socket"` in `socket.recv`), or "".
    pub owner: &'static str,
    pub func: NativeFnPtr,
    /// Extra data for natives created at run time (e.g. a bound callback's target).
    pub data: Option<Value>,
}

/// `obj.method`: a callable with its receiver.
pub struct BoundMethod {
    pub receiver: Value,
    pub func: Value,
}

/// Extra behaviour of builtin classes that user classes may inherit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassKind {
    /// Plain object (user classes, most builtin types).
    Object,
    /// BaseException and its subclasses: instances carry [`ExcData`].
    Exception,
}

/// A class, builtin or user-defined.
pub struct Class {
    pub name: Rc<str>,
    pub qualname: Rc<str>,
    pub module: Rc<str>,
    pub bases: Vec<Rc<Class>>,
    /// Method resolution order, starting with this class (single inheritance mostly;
    /// multiple bases use a left-to-right depth-first order without duplicates).
    pub mro: RefCell<Vec<Rc<Class>>>,
    pub dict: RefCell<AttrMap>,
    pub kind: ClassKind,
    /// Constructor for builtin types (`int(x)`, `socket.socket(...)`): called with the class
    /// as first argument, then the call's arguments. `None`: generic instance creation.
    pub new: Option<NativeFnPtr>,
    /// A builtin type that cannot be subclassed / has no `__dict__` on instances.
    pub builtin: bool,
    /// Cached facts about the MRO's dicts (see [`Class::flags`]); 0 = not computed.
    pub flags: Cell<u8>,
}

/// [`Class::flags`]: the MRO defines a Python `__setattr__`.
pub const CLASS_HAS_SETATTR: u8 = 2;
/// [`Class::flags`]: the MRO holds a data descriptor (a `property`).
pub const CLASS_HAS_DESCRIPTOR: u8 = 4;

impl Class {
    /// Look an attribute up along the MRO.
    pub fn lookup(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.dict.borrow().get(name) {
            return Some(v.clone());
        }
        for c in self.mro.borrow().iter().skip(1) {
            if let Some(v) = c.dict.borrow().get(name) {
                return Some(v.clone());
            }
        }
        None
    }
    /// Cached facts about attribute lookup (recomputed after the class is modified).
    pub fn flags(&self) -> u8 {
        let f = self.flags.get();
        if f != 0 {
            return f;
        }
        let mut f = 1;
        let check = |d: &AttrMap, f: &mut u8| {
            if matches!(d.get("__setattr__"), Some(Value::Function(_))) {
                *f |= CLASS_HAS_SETATTR;
            }
            if d.values().any(|v| matches!(v, Value::Instance(i) if &*i.class.name == "property" && i.class.builtin)) {
                *f |= CLASS_HAS_DESCRIPTOR;
            }
        };
        check(&self.dict.borrow(), &mut f);
        for c in self.mro.borrow().iter().skip(1) {
            check(&c.dict.borrow(), &mut f);
        }
        self.flags.set(f);
        f
    }

    /// Is `self` a subclass of (or equal to) `other`?
    pub fn is_subclass(&self, other: &Rc<Class>) -> bool {
        if std::ptr::eq(self, Rc::as_ptr(other)) {
            return true;
        }
        self.mro.borrow().iter().any(|c| Rc::ptr_eq(c, other))
    }
    /// The builtin constructor from the MRO, if any.
    pub fn native_new(&self) -> Option<NativeFnPtr> {
        if self.new.is_some() {
            return self.new;
        }
        self.mro.borrow().iter().skip(1).find_map(|c| c.new)
    }
    /// `module.qualname` as in reprs (`__main__.Foo`, `socket.socket`), or just the name
    /// for builtins.
    pub fn full_name(&self) -> String {
        if &*self.module == "builtins" {
            self.qualname.to_string()
        } else {
            format!("{}.{}", self.module, self.qualname)
        }
    }
}

/// Compute an MRO for a new class from its bases (C3-lite: depth-first, left to right,
/// each class once, `object` last).
pub fn compute_mro(cls: &Rc<Class>) -> Vec<Rc<Class>> {
    let mut out: Vec<Rc<Class>> = vec![cls.clone()];
    let mut tail: Vec<Rc<Class>> = Vec::new();
    for b in &cls.bases {
        for c in b.mro.borrow().iter() {
            if !out.iter().chain(tail.iter()).any(|x| Rc::ptr_eq(x, c)) {
                tail.push(c.clone());
            }
        }
    }
    // `object` goes last even when several bases bring it in.
    let (objs, mut rest): (Vec<_>, Vec<_>) = tail
        .into_iter()
        .partition(|c| c.bases.is_empty() && &*c.name == "object");
    out.append(&mut rest);
    out.extend(objs);
    out
}

/// Data every exception instance carries.
#[derive(Clone, Default)]
pub struct ExcData {
    pub args: Vec<Value>,
    pub traceback: Vec<TbEntry>,
    pub cause: Option<Value>,
    pub context: Option<Value>,
    pub suppress_context: bool,
    /// CPython's "Did you mean: 'x'?" for NameError/AttributeError, shown only in
    /// tracebacks (not in `str(e)`).
    pub suggestion: Option<String>,
}

/// One traceback line: where a frame was when the exception passed through it.
#[derive(Clone, Debug)]
pub struct TbEntry {
    pub filename: Rc<str>,
    pub name: Rc<str>,
    pub line: u32,
    /// Carets: column span (0-based, chars) on `line`, plus an optional operator anchor.
    pub span: crate::code::SpanInfo,
    /// Frames of socklab's own Python-written library code are not printed.
    pub hidden: bool,
}

/// What an instance carries besides its `__dict__`.
pub enum Payload {
    None,
    Exception(RefCell<ExcData>),
    /// State of a native object (socket, lock, file...), downcast by its methods.
    Native(Box<dyn Any>),
}

/// The state of a member of an IntEnum-like class (`socket.AF_INET`): CPython's
/// `IntEnum` members are ints that repr by name (`<AddressFamily.AF_INET: 2>`). Such an
/// instance is turned into its plain int wherever ints are consumed ([`Value::unenum`]).
pub struct IntEnumMember {
    pub name: &'static str,
    pub value: i64,
}

/// The payload of an instance of a user subclass of a builtin type (`class L(list)`,
/// `class S(str)`): the builtin value itself, which the builtin's methods and the VM's
/// operations work on (through [`Value::unenum`]) unless the class overrides them.
pub struct BaseValue(pub Value);

/// An instance of a class.
pub struct Instance {
    pub class: Rc<Class>,
    pub dict: RefCell<AttrMap>,
    pub payload: Payload,
    /// The last result of the class's Python `__hash__` (see [`slow_hash`]).
    pub py_hash: Cell<Option<i64>>,
}

impl Instance {
    pub fn new(class: Rc<Class>, payload: Payload) -> Instance {
        Instance {
            class,
            dict: RefCell::new(AttrMap::default()),
            payload,
            py_hash: Cell::new(None),
        }
    }
    /// The native state of a native object, if it is a `T`.
    pub fn native<T: 'static>(&self) -> Option<&T> {
        match &self.payload {
            Payload::Native(b) => b.downcast_ref::<T>(),
            _ => None,
        }
    }
    pub fn exc(&self) -> Option<&RefCell<ExcData>> {
        match &self.payload {
            Payload::Exception(e) => Some(e),
            _ => None,
        }
    }
    pub fn get_attr(&self, name: &str) -> Option<Value> {
        self.dict.borrow().get(name).cloned()
    }
    pub fn set_attr(&self, name: &str, v: Value) {
        self.dict.borrow_mut().insert(Rc::from(name), v);
    }
}

/// A module object.
pub struct Module {
    pub name: Rc<str>,
    pub globals: Globals,
}

// ---------------------------------------------------------------------------------------
// iterators and generators

/// The state of a builtin iterator.
pub enum IterState {
    Seq {
        seq: Value,
        pos: usize,
    },
    Range {
        next: i64,
        stop: i64,
        step: i64,
    },
    /// dict keys / values / items views: position in insertion order, and which part.
    Dict {
        dict: Rc<RefCell<Dict>>,
        pos: usize,
        len: usize,
        part: DictPart,
    },
    /// A precomputed list of values (sets, reversed(), zip/map results computed eagerly).
    Values {
        items: Vec<Value>,
        pos: usize,
    },
    /// `enumerate(it, start)`.
    Enumerate {
        inner: Value,
        count: i64,
    },
    /// `zip(a, b, ...)`.
    Zip {
        inners: Vec<Value>,
    },
    /// `map(f, it...)`, `filter(f, it)`: need the VM to call `f`.
    Map {
        func: Value,
        inners: Vec<Value>,
    },
    Filter {
        func: Value,
        inner: Value,
    },
    /// An iterator object whose `__next__` is a Python method (user iterators).
    Exhausted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DictPart {
    Keys,
    Values,
    Items,
}

/// A generator: a suspended frame, resumed by `next()`, `send()` or a `for` loop.
pub struct Generator {
    pub name: Rc<str>,
    pub qualname: Rc<str>,
    pub frame: RefCell<Option<Box<crate::vm::Frame>>>,
    pub running: Cell<bool>,
    pub finished: Cell<bool>,
}

// ---------------------------------------------------------------------------------------
// type names

impl Value {
    /// The Python type name (`'NoneType'`, `'str'`, the class name for instances).
    pub fn type_name(&self) -> String {
        match self {
            Value::Instance(i) => i.class.name.to_string(),
            Value::Class(c) => {
                // A metaclass-less world: every class is a `type`.
                let _ = c;
                "type".to_string()
            }
            other => other.builtin_type_name().to_string(),
        }
    }

    /// The type name of a non-instance value.
    pub fn builtin_type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::Long(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Bytes(_) => "bytes",
            Value::ByteArray(_) => "bytearray",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Dict(_) => "dict",
            Value::Set(_) => "set",
            Value::FrozenSet(_) => "frozenset",
            Value::Range(_) => "range",
            Value::Slice(_) => "slice",
            Value::Function(_) => "function",
            Value::Native(_) => "builtin_function_or_method",
            Value::BoundMethod(b) => match b.func {
                Value::Native(_) => "builtin_function_or_method",
                _ => "method",
            },
            Value::Class(_) => "type",
            Value::Instance(_) => "object",
            Value::Module(_) => "module",
            Value::Iterator(it) => match &*it.borrow() {
                IterState::Seq { seq, .. } => match seq {
                    Value::List(_) => "list_iterator",
                    Value::Tuple(_) => "tuple_iterator",
                    Value::Str(_) => "str_ascii_iterator",
                    Value::Bytes(_) => "bytes_iterator",
                    _ => "iterator",
                },
                IterState::Range { .. } => "range_iterator",
                IterState::Dict { part, .. } => match part {
                    DictPart::Keys => "dict_keyiterator",
                    DictPart::Values => "dict_valueiterator",
                    DictPart::Items => "dict_itemiterator",
                },
                IterState::Enumerate { .. } => "enumerate",
                IterState::Zip { .. } => "zip",
                IterState::Map { .. } => "map",
                IterState::Filter { .. } => "filter",
                _ => "iterator",
            },
            Value::Generator(_) => "generator",
            Value::Ellipsis => "ellipsis",
            Value::NotImplemented => "NotImplementedType",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instance_with_hash(h: Option<i64>) -> Value {
        let t = crate::types::types();
        let cls = crate::types::new_class(
            "P",
            "__main__",
            vec![t.object.clone()],
            ClassKind::Object,
            None,
            &[],
            false,
        );
        let inst = Instance::new(cls, Payload::None);
        inst.py_hash.set(h);
        Value::Instance(Rc::new(inst))
    }

    #[test]
    fn tuple_hash_is_cpythons() {
        // hash((1, 2)) and hash(()) in CPython 3.11 (64-bit).
        assert_eq!(tuple_hash([1, 2].into_iter(), 2), -3550055125485641917);
        assert_eq!(tuple_hash(std::iter::empty(), 0), 5740354900026072187);
    }

    #[test]
    fn slow_hash_only_for_python_hashed_keys() {
        assert_eq!(slow_hash(&Value::str("a")), None);
        assert_eq!(slow_hash(&Value::tuple(vec![Value::Int(1)])), None);
        assert_eq!(slow_hash(&instance_with_hash(None)), None);
        let p = instance_with_hash(Some(7));
        assert_eq!(slow_hash(&p), Some(7));
        // A tuple holding one hashes as CPython's tuple of those hashes.
        let t = Value::tuple(vec![p, Value::Int(2)]);
        assert_eq!(slow_hash(&t), Some(tuple_hash([7, 2].into_iter(), 2)));
    }

    #[test]
    fn dict_tracks_candidates_by_python_hash() {
        let mut d = Dict::new();
        d.insert(Key::plain(Value::str("x")), Value::Int(0));
        assert!(!d.has_slow_keys());
        let a = instance_with_hash(Some(5));
        let b = instance_with_hash(Some(5));
        let c = instance_with_hash(Some(6));
        d.insert(Key(a.clone()), Value::Int(1));
        d.insert(Key(c.clone()), Value::Int(3));
        // `b` is a different object with the same hash: `a` is its only candidate.
        let cands = d.candidates(&Key(b.clone()));
        assert_eq!(cands.len(), 1);
        assert!(cands[0].0.is(&a));
        assert!(d.candidates(&Key::plain(Value::str("x"))).is_empty());
        // Without the VM's `__eq__`, keys are exact: `b` is not found.
        assert!(d.get(&Key(b)).is_none());
        assert!(d.remove(&Key(a)).is_some());
        assert!(d.candidates(&Key(instance_with_hash(Some(5)))).is_empty());
        assert_eq!(d.pop_last().map(|(k, _)| k.is(&c)), Some(true));
        assert!(!d.has_slow_keys());
    }

    #[test]
    fn a_rehashed_key_is_still_forgotten() {
        let mut d = Dict::new();
        let a = instance_with_hash(Some(1));
        d.insert(Key(a.clone()), Value::None);
        // Its `__hash__` now gives something else (a mutated key hashed again).
        if let Value::Instance(i) = &a {
            i.py_hash.set(Some(2));
        }
        assert!(d.remove(&Key(a)).is_some());
        assert!(!d.has_slow_keys());
    }
}
