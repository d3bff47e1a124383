//! The public entry point: [`Interpreter`] (see lib.rs for the contract), plus
//! traceback formatting.

use std::rc::Rc;

use crate::exc::{exc_type_display, render_tb_entry, PyErr};
use crate::host::{Host, Location, OpId, Reply};
use crate::types::{native, types};
use crate::value::{Key, Value};
use crate::vm::{Core, Frame, Limits, Vm};

/// How a `run` call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The slice of operations is used up; call `run` again (after yielding to the UI).
    Yielded,
    /// Every thread waits for the host: call `complete` with an answer, then `run`.
    Waiting,
    /// Step mode: about to execute `line`.
    Paused { line: u32 },
    /// The script ended with this exit status.
    Exited(i32),
}

/// A Python script being run.
pub struct Interpreter {
    core: Core,
}

impl std::fmt::Debug for Interpreter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Interpreter({})", self.core.filename)
    }
}

impl Interpreter {
    /// Parse and compile. A syntax error is reported on the first `run`, as CPython does
    /// (its text on stderr, then `Status::Exited(1)`).
    pub fn new(source: &str, filename: &str, argv: Vec<String>, limits: Limits) -> Interpreter {
        let mut core = Core::new(filename, argv, limits);
        install_builtins(&core);
        let lines: Vec<String> = source.lines().map(String::from).collect();
        core.sources.insert(Rc::from(filename), Rc::new(lines));
        match crate::compile::compile_source(source, filename, false) {
            Ok(code) => {
                let (module, globals) = crate::call::new_module("__main__");
                globals
                    .borrow_mut()
                    .set_str("__file__", Value::str(filename));
                globals
                    .borrow_mut()
                    .set_str("__builtins__", Value::Dict(core.builtins.clone()));
                core.modules.insert(Rc::from("__main__"), module);
                let frame = Frame::new(code, globals, None);
                core.spawn(frame, None, false);
            }
            Err(e) => {
                core.error = Some((e.line, e.msg.clone()));
                core.startup_error = Some(e.rendered);
            }
        }
        Interpreter { core }
    }

    /// Run green threads until all wait on the host, the slice is used, a step pause, or
    /// the end of the script.
    pub fn run(&mut self, host: &mut dyn Host) -> Status {
        let mut vm = Vm {
            core: &mut self.core,
            host,
        };
        vm.run_slice()
    }

    /// Answer an op submitted through `Host::submit`. Unknown/cancelled ids are ignored.
    pub fn complete(&mut self, id: OpId, reply: Reply) {
        self.core.complete(id, reply);
    }

    /// Stop button / Ctrl-C: KeyboardInterrupt in the main thread at its current line.
    pub fn interrupt(&mut self) {
        self.core.interrupt = true;
    }

    /// Step mode: pause before each new line.
    pub fn set_stepping(&mut self, on: bool) {
        self.core.stepping = on;
        if !on {
            self.core.paused_at = None;
        }
    }

    /// The line each live green thread is at.
    pub fn threads(&self) -> Vec<Location> {
        self.core.locations()
    }

    /// After `Exited(1)`: the line and last traceback line of the uncaught exception.
    pub fn error(&self) -> Option<(u32, String)> {
        self.core.error.clone()
    }
}

fn install_builtins(core: &Core) {
    let mut b = core.builtins.borrow_mut();
    for (name, f) in crate::builtins::functions::FUNCTIONS {
        b.set_str(name, native(name, "", *f));
    }
    for (name, f) in crate::modules::BUILTIN_EXTRAS {
        b.set_str(name, native(name, "", *f));
    }
    for (name, c) in types().named() {
        b.set_str(name, Value::Class(c));
    }
    for (name, c) in types().exceptions() {
        b.set_str(name, Value::Class(c));
    }
    b.set_str(
        "EnvironmentError",
        Value::Class(types().exc("OSError").expect("OSError")),
    );
    b.set_str(
        "IOError",
        Value::Class(types().exc("OSError").expect("OSError")),
    );
    b.set_str("__name__", Value::str("builtins"));
    b.insert(Key::plain(Value::str("Ellipsis")), Value::Ellipsis);
    b.insert(
        Key::plain(Value::str("NotImplemented")),
        Value::NotImplemented,
    );
}

impl Vm<'_> {
    /// An exception as CPython prints it when uncaught (chained exceptions included).
    pub fn format_exception(&mut self, e: &PyErr) -> String {
        let mut out = String::new();
        let mut seen = Vec::new();
        self.format_chain(e, &mut out, &mut seen);
        out
    }

    fn format_chain(&mut self, e: &PyErr, out: &mut String, seen: &mut Vec<usize>) {
        seen.push(Rc::as_ptr(&e.0) as usize);
        let (cause, context, suppress) = {
            let d = e.data();
            (d.cause.clone(), d.context.clone(), d.suppress_context)
        };
        if let Some(c) = cause.as_ref().and_then(PyErr::from_value) {
            if !seen.contains(&(Rc::as_ptr(&c.0) as usize)) {
                self.format_chain(&c, out, seen);
                out.push_str(
                    "\nThe above exception was the direct cause of the following exception:\n\n",
                );
            }
        } else if !suppress {
            if let Some(c) = context.as_ref().and_then(PyErr::from_value) {
                if !seen.contains(&(Rc::as_ptr(&c.0) as usize)) {
                    self.format_chain(&c, out, seen);
                    out.push_str(
                        "\nDuring handling of the above exception, another exception occurred:\n\n",
                    );
                }
            }
        }
        self.format_one(e, out);
    }

    fn format_one(&mut self, e: &PyErr, out: &mut String) {
        let tb: Vec<crate::value::TbEntry> = e
            .data()
            .traceback
            .iter()
            .rev()
            .filter(|t| !t.hidden)
            .cloned()
            .collect();
        if !tb.is_empty() {
            out.push_str("Traceback (most recent call last):\n");
        }
        // CPython collapses runs of identical entries after the third.
        let mut i = 0;
        let mut last_key: Option<(Rc<str>, u32, Rc<str>)> = None;
        let mut repeat = 0usize;
        while i < tb.len() {
            let t = &tb[i];
            let key = (t.filename.clone(), t.line, t.name.clone());
            if last_key.as_ref() == Some(&key) {
                repeat += 1;
            } else {
                if repeat > 3 {
                    flush_repeat(out, repeat - 3);
                }
                repeat = 1;
                last_key = Some(key);
            }
            if repeat <= 3 {
                let line = self
                    .sources
                    .get(&t.filename)
                    .and_then(|l| l.get(t.line.saturating_sub(1) as usize).cloned());
                render_tb_entry(out, t, line.as_deref());
            }
            i += 1;
        }
        if repeat > 3 {
            flush_repeat(out, repeat - 3);
        }
        let cls = e.class().clone();
        let name = exc_type_display(&cls);
        let msg = match self.str(&e.value()) {
            Ok(s) => s,
            Err(_) => "<exception str() failed>".to_string(),
        };
        let suggestion = e.data().suggestion.clone();
        if msg.is_empty() {
            out.push_str(&name);
        } else {
            out.push_str(&format!("{name}: {msg}"));
        }
        if let Some(s) = suggestion {
            out.push_str(&format!(". Did you mean: '{s}'?"));
        }
        out.push('\n');
    }
}

fn flush_repeat(out: &mut String, n: usize) {
    out.push_str(&format!(
        "  [Previous line repeated {n} more time{}]\n",
        if n == 1 { "" } else { "s" }
    ));
}
