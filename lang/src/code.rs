//! Code objects: the bytecode the compiler produces and the VM runs.
//!
//! A stack machine in the style of CPython's: each instruction carries at most one `u32`
//! operand (an index into `consts`/`names`/local slots, a jump target, or a count), so an
//! [`Instr`] is 8 bytes and dispatch allocates nothing. Every instruction has a
//! [`SpanInfo`] so tracebacks can print CPython 3.11's `^^^^` / `~~^~~` markers.

use std::cell::Cell;
use std::rc::Rc;

use crate::ast::{BinOp, CmpOp, UnaryOp};
use crate::value::Value;

/// Where an instruction comes from: 1-based lines, 0-based character columns, and for
/// binary operators and subscripts the anchors CPython draws with `~` and `^`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SpanInfo {
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
    /// Absolute columns `(left_end, right_start)`: `~` before `left_end` and after
    /// `right_start`, `^` between. 0,0 when none.
    pub anchor_left: u32,
    pub anchor_right: u32,
}

impl SpanInfo {
    pub fn has_anchor(&self) -> bool {
        self.anchor_right > self.anchor_left
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Instr {
    Nop,
    /// Marks the start of a new source line's statement (used only for step mode).
    LoadConst(u32),
    LoadFast(u32),
    StoreFast(u32),
    DeleteFast(u32),
    /// Cells: indices into the frame's cells (cell variables first, then free variables).
    LoadDeref(u32),
    StoreDeref(u32),
    DeleteDeref(u32),
    LoadGlobal(u32),
    StoreGlobal(u32),
    DeleteGlobal(u32),
    /// Class bodies: the class namespace, then globals, then builtins.
    LoadName(u32),
    StoreName(u32),
    DeleteName(u32),
    /// A builtin by name (used for `assert`'s AssertionError).
    LoadBuiltin(u32),
    LoadAttr(u32),
    StoreAttr(u32),
    DeleteAttr(u32),
    /// `obj.name(...)` fast path: pushes the method and its receiver (or the callable and
    /// a `NotImplemented` marker when there is no receiver to pass); see `CallMethod`.
    LoadMethod(u32),
    CallMethod(u32),
    BinarySubscr,
    StoreSubscr,
    DeleteSubscr,
    BinaryOp(BinOp),
    InplaceOp(BinOp),
    UnaryOp(UnaryOp),
    CompareOp(CmpOp),
    Pop,
    Dup,
    Dup2,
    Rot2,
    Rot3,
    Rot4,
    Jump(u32),
    PopJumpIfFalse(u32),
    PopJumpIfTrue(u32),
    JumpIfFalseOrPop(u32),
    JumpIfTrueOrPop(u32),
    GetIter,
    /// Push the next item, or pop the iterator and jump to the operand when exhausted.
    ForIter(u32),
    BuildList(u32),
    BuildTuple(u32),
    BuildSet(u32),
    /// Operand = number of key/value pairs (keys and values interleaved on the stack).
    BuildMap(u32),
    /// Operand 2 or 3.
    BuildSlice(u32),
    /// Concatenate that many strings (f-strings).
    BuildString(u32),
    /// Comprehensions: append TOS to the list/set/dict at stack depth operand.
    ListAppend(u32),
    SetAdd(u32),
    MapAdd(u32),
    /// Starred displays: extend the list at depth operand with TOS (an iterable).
    ListExtend(u32),
    SetUpdate(u32),
    /// `{**m}`: merge TOS into the dict at depth operand.
    DictUpdate(u32),
    ListToTuple,
    /// f-string field: operand bit 0-1 = conversion (0 none, 1 str, 2 repr, 3 ascii),
    /// bit 2 = a format spec is on the stack above the value.
    FormatValue(u32),
    UnpackSequence(u32),
    /// `a, *b, c = x`: operand = before | (after << 16).
    UnpackEx(u32),
    /// Positional call with operand arguments.
    Call(u32),
    /// Call with keywords: TOS is a tuple of keyword names (the last len() arguments).
    CallKw(u32),
    /// Call with `*args`/`**kwargs`: stack is callable, args tuple, (kwargs dict if
    /// operand & 1).
    CallEx(u32),
    /// Create a function from the code constant on TOS. Operand flags: 1 = a defaults
    /// tuple is below, 2 = a kw-defaults dict is below.
    MakeFunction(u32),
    // (MakeFunction operand: index into `functions` | flags << 24)
    /// Create a class: stack is body function, name, bases... (operand = number of bases).
    BuildClass(u32),
    ReturnValue,
    YieldValue,
    /// Push an exception handler at the operand; the stack depth is recorded.
    SetupExcept(u32),
    /// A `finally` handler: like SetupExcept but the handler re-raises at its end.
    SetupFinally(u32),
    PopBlock,
    /// Leave an `except` clause: drop the exception being handled.
    PopExcept,
    /// `raise` (operand 0: re-raise the current exception; 1: TOS; 2: TOS from TOS1).
    Raise(u32),
    /// Re-raise the exception on TOS (end of an unmatched handler / finally).
    Reraise,
    /// TOS1 is the exception, TOS the class(es) in the except clause: push a bool.
    CheckExcMatch,
    /// `with`: TOS is the context manager; push its bound `__exit__`, then call
    /// `__enter__` (its result is pushed).
    BeforeWith,
    /// `with` exit on exception: stack is exit, exc: call exit(type, exc, tb), push
    /// its truthiness.
    WithExceptStart,
    ImportName(u32),
    ImportFrom(u32),
    ImportStar,
    /// Zero-argument `super()`: push the class whose body defined the running function.
    LoadClassCell,
    /// Pop TOS (the end of a `for` over a finished iterator in unwinding code).
    EndFor,
}

/// Where a global name was found last time, valid while both dicts keep their keys
/// versions (CPython's LOAD_GLOBAL specialisation, simplified).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GlobalCache {
    pub globals_version: u64,
    pub builtins_version: u64,
    pub pos: u32,
    /// 0: empty, 1: in globals, 2: in builtins.
    pub kind: u8,
}

/// A compiled function body, module, class body or comprehension.
#[derive(Debug)]
pub struct Code {
    pub name: Rc<str>,
    pub qualname: Rc<str>,
    pub filename: Rc<str>,
    pub instrs: Vec<Instr>,
    pub spans: Vec<SpanInfo>,
    pub consts: Vec<Value>,
    pub names: Vec<Rc<str>>,
    /// `names` as str values, for dict lookups without allocating.
    pub name_values: Vec<Value>,
    /// `LoadGlobal` inline caches, one per name.
    pub gcache: Vec<Cell<GlobalCache>>,
    /// Local slot names (parameters first, in order).
    pub varnames: Vec<Rc<str>>,
    /// Cell variables (locals captured by inner functions).
    pub cellvars: Vec<Rc<str>>,
    /// Free variables, and for each one the index of the cell in the *defining* frame.
    pub freevars: Vec<Rc<str>>,
    pub free_sources: Vec<u32>,
    /// For parameters that are also cells: (local slot, cell index) to copy at entry.
    pub cell_params: Vec<(u32, u32)>,
    pub posonly: u32,
    pub argcount: u32,
    pub kwonlycount: u32,
    pub has_varargs: bool,
    pub has_varkw: bool,
    pub is_generator: bool,
    pub first_line: u32,
    /// Code objects of the functions, lambdas, comprehensions and class bodies defined
    /// here (`MakeFunction` operand).
    pub functions: Vec<Rc<Code>>,
    /// `consts[0]` is the docstring.
    pub has_docstring: bool,
    /// Socklab's own Python library code: hidden from tracebacks.
    pub hidden: bool,
    /// A class body or module: names go to a namespace dict, not slots.
    pub kind: CodeKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    Module,
    Function,
    Class,
}

impl Code {
    /// The line of the instruction at `pc`.
    pub fn line_at(&self, pc: usize) -> u32 {
        self.spans
            .get(pc)
            .map(|s| s.line)
            .unwrap_or(self.first_line)
    }
}
