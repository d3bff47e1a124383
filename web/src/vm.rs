//! The interpreter the page drives. A stand-in with lang's public API until `lang` exports
//! `Interpreter` (it reports that the language is not built yet); then this file becomes
//! a re-export.

use socklab_lang::host::{Host, Location, OpId, Reply, Stream};

#[derive(Debug, Clone)]
pub struct Limits {
    pub max_depth: usize,
    pub budget: Option<u64>,
    pub slice: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 1000,
            budget: None,
            slice: 20_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Yielded,
    Waiting,
    Paused { line: u32 },
    Exited(i32),
}

pub struct Interpreter {
    filename: String,
}

impl Interpreter {
    pub fn new(_source: &str, filename: &str, _argv: Vec<String>, _limits: Limits) -> Interpreter {
        Interpreter {
            filename: filename.to_string(),
        }
    }
    pub fn run(&mut self, host: &mut dyn Host) -> Status {
        host.write(
            Stream::Stderr,
            &format!("{}: the interpreter is not built yet\n", self.filename),
        );
        Status::Exited(1)
    }
    pub fn complete(&mut self, _id: OpId, _reply: Reply) {}
    pub fn interrupt(&mut self) {}
    pub fn set_stepping(&mut self, _on: bool) {}
    pub fn threads(&self) -> Vec<Location> {
        Vec::new()
    }
    pub fn error(&self) -> Option<(u32, String)> {
        None
    }
}
