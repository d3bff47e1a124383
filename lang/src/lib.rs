//! socklab's Python: the part of Python 3.11 that socket tutorials use, run faithfully.
//!
//! Layout:
//! * [`ast`]: the syntax tree (the contract between parser and compiler);
//! * [`host`]: the `Host` trait, the only way a script touches the world;
//! * `lexer`, `parser`: source text to [`ast::Module`], with CPython-worded syntax errors;
//! * `text`: pure text algorithms (float repr, format specs, %-formatting, codecs);
//! * the compiler and the resumable VM (see ARCHITECTURE.md for why a bytecode VM).

pub mod ast;
pub mod host;
pub mod lexer;
pub mod parser;
pub mod source;
pub mod syntax_error;
pub mod text;

pub mod builtins;
pub mod call;
pub mod code;
pub mod compile;
pub mod exc;
mod exec;
pub mod format;
mod interp;
pub mod modules;
pub mod ops;
pub mod suggest;
pub mod testing;
pub mod types;
pub mod value;
pub mod vm;

pub use interp::{Interpreter, Status};
pub use vm::Limits;
