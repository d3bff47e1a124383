//! Calling: binding arguments to parameters (with CPython's error wording), creating
//! functions and classes, instantiating classes, importing modules.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::builtins::Args;
use crate::code::Code;
use crate::exc::{new_exc, type_error, PyErr, PyResult};
use crate::types::types;
use crate::value::{
    compute_mro, BaseValue, Class, ClassKind, Dict, Function, Generator, Instance, Key, Module,
    Payload, Value,
};
use crate::vm::{Flow, Frame, FrameKind, Vm};

impl Vm<'_> {
    /// Start a call of any callable: a Python frame to push, or a native's result.
    pub fn call_flow(&mut self, func: Value, mut args: Args) -> Flow {
        match func {
            Value::Function(f) => match self.function_frame(&f, args) {
                Ok(frame) => {
                    if f.code.is_generator {
                        Flow::Push(Value::Generator(Rc::new(Generator {
                            name: f.name.borrow().clone(),
                            qualname: f.qualname.clone(),
                            frame: RefCell::new(Some(frame)),
                            running: Cell::new(false),
                            finished: Cell::new(false),
                        })))
                    } else {
                        Flow::Call(frame)
                    }
                }
                Err(e) => Flow::Raise(e, false),
            },
            Value::Native(n) => {
                if let Some(d) = &n.data {
                    args.pos.insert(0, d.clone());
                }
                let r = (n.func)(self, args);
                self.native_done(r)
            }
            Value::BoundMethod(b) => {
                args.pos.insert(0, b.receiver.clone());
                self.call_flow(b.func.clone(), args)
            }
            Value::Class(c) => self.call_class(c, args),
            Value::Instance(ref i) => match i.class.lookup("__call__") {
                Some(m) => {
                    args.pos.insert(0, func.clone());
                    self.call_flow(m, args)
                }
                None => Flow::Raise(not_callable(&func), false),
            },
            other => Flow::Raise(not_callable(&other), false),
        }
    }

    fn call_class(&mut self, c: Rc<Class>, args: Args) -> Flow {
        let Some(new) = c.native_new() else {
            return Flow::Raise(
                type_error(format!("cannot create '{}' instances", c.name)),
                false,
            );
        };
        if c.builtin {
            let mut pos = Vec::with_capacity(args.pos.len() + 1);
            pos.push(Value::Class(c.clone()));
            pos.extend(args.pos);
            let r = new(self, Args { pos, kw: args.kw });
            return self.native_done(r);
        }
        // A user class (or an exception class): create, then __init__.
        let value_base = value_base(&c);
        let py_new = match c.lookup("__new__") {
            Some(Value::Native(_)) | None => None,
            Some(Value::Instance(d)) if Rc::ptr_eq(&d.class, &types().staticmethod) => {
                d.get_attr("__func__")
            }
            Some(f) => Some(f),
        };
        let inst = if let Some(f) = py_new {
            // A Python `__new__` (run as a nested call): `__init__` follows only when it
            // returns an instance of the class.
            let mut pos = Vec::with_capacity(args.pos.len() + 1);
            pos.push(Value::Class(c.clone()));
            pos.extend(args.pos.iter().cloned());
            let made = match self.call_args(
                &f,
                Args {
                    pos,
                    kw: args.kw.clone(),
                },
            ) {
                Ok(v) => v,
                Err(e) => return Flow::Raise(e, false),
            };
            if !types().class_of(&made).is_subclass(&c) {
                return Flow::Push(made);
            }
            made
        } else {
            match &value_base {
                Some(base) => match self.new_base_value(base, &args) {
                    Ok(v) => Value::Instance(Rc::new(Instance::new(
                        c.clone(),
                        Payload::Native(Box::new(BaseValue(v))),
                    ))),
                    Err(e) => return Flow::Raise(e, false),
                },
                None => {
                    let mut pos = Vec::with_capacity(args.pos.len() + 1);
                    pos.push(Value::Class(c.clone()));
                    pos.extend(args.pos.iter().cloned());
                    match new(
                        self,
                        Args {
                            pos,
                            kw: args.kw.clone(),
                        },
                    ) {
                        Ok(v) => v,
                        Err(e) => return Flow::Raise(e, false),
                    }
                }
            }
        };
        if self.pending.is_some() {
            return self.native_done(Ok(inst));
        }
        let init = c.lookup("__init__");
        match init {
            Some(Value::Function(f)) => {
                let mut pos = Vec::with_capacity(args.pos.len() + 1);
                pos.push(inst.clone());
                pos.extend(args.pos);
                match self.function_frame(&f, Args { pos, kw: args.kw }) {
                    Ok(mut frame) => {
                        frame.kind = FrameKind::Init(inst);
                        Flow::Call(frame)
                    }
                    Err(e) => Flow::Raise(e, false),
                }
            }
            Some(Value::Native(n)) => {
                let is_object_init = std::ptr::eq(
                    n.func as *const (),
                    crate::builtins::object::object_init as *const (),
                );
                if is_object_init {
                    if !args.pos.is_empty() || !args.kw.is_empty() {
                        // object.__init__ with arguments and no __init__ of the class's own.
                        // (An immutable builtin base took the arguments in its `__new__`.)
                        let has_new = !matches!(c.lookup("__new__"), Some(Value::Native(_)) | None)
                            || value_base.is_some();
                        if !has_new {
                            return Flow::Raise(
                                type_error(format!("{}() takes no arguments", c.name)),
                                false,
                            );
                        }
                    }
                    return Flow::Push(inst);
                }
                let mut pos = Vec::with_capacity(args.pos.len() + 1);
                pos.push(inst.clone());
                pos.extend(args.pos);
                match (n.func)(self, Args { pos, kw: args.kw }) {
                    Ok(_) => self.native_done(Ok(inst)),
                    Err(e) => Flow::Raise(e, false),
                }
            }
            Some(other) => {
                let mut pos = vec![inst.clone()];
                pos.extend(args.pos);
                match self.call_args(&other, Args { pos, kw: args.kw }) {
                    Ok(_) => Flow::Push(inst),
                    Err(e) => Flow::Raise(e, false),
                }
            }
            None => Flow::Push(inst),
        }
    }

    /// The builtin value an instance of a user subclass of `base` starts with: empty
    /// for the mutable types (their `__init__` fills it), the constructor's result for
    /// the immutable ones (`class S(str)`: `S("x")` wraps `str("x")`).
    pub(crate) fn new_base_value(&mut self, base: &Rc<Class>, args: &Args) -> PyResult<Value> {
        let t = types();
        if Rc::ptr_eq(base, &t.list) {
            return Ok(Value::list(Vec::new()));
        }
        if Rc::ptr_eq(base, &t.dict) {
            return Ok(Value::dict(crate::value::Dict::new()));
        }
        if Rc::ptr_eq(base, &t.set) {
            return Ok(Value::Set(Rc::new(RefCell::new(crate::value::Set::new()))));
        }
        let new = base.new.expect("builtin value types have a constructor");
        let mut pos = Vec::with_capacity(args.pos.len() + 1);
        pos.push(Value::Class(base.clone()));
        pos.extend(args.pos.iter().cloned());
        new(
            self,
            Args {
                pos,
                kw: args.kw.clone(),
            },
        )
    }

    /// A new frame for calling `f` with `args` bound to its parameters.
    pub fn function_frame(&mut self, f: &Rc<Function>, args: Args) -> PyResult<Box<Frame>> {
        let code = &f.code;
        let mut frame = self.alloc_frame(code.clone(), f.globals.clone(), Some(f.clone()));
        let argc = code.argcount as usize;
        let npos = args.pos.len();
        if args.kw.is_empty()
            && npos == argc
            && !code.has_varargs
            && code.kwonlycount == 0
            && !code.has_varkw
        {
            for (slot, v) in frame.locals.iter_mut().zip(args.pos) {
                *slot = Some(v);
            }
        } else {
            self.bind_general(f, &mut frame, args)?;
        }
        if !code.cellvars.is_empty() || !code.freevars.is_empty() {
            frame.cells = self.new_cells(code, f);
            for &(slot, cell) in &code.cell_params {
                let v = frame.locals[slot as usize].take();
                *frame.cells[cell as usize].borrow_mut() = v;
            }
        }
        frame.exc_depth = self.exc_stack.len();
        Ok(frame)
    }

    fn bind_general(&mut self, f: &Rc<Function>, frame: &mut Frame, args: Args) -> PyResult<()> {
        let code = &f.code;
        let q = &f.qualname;
        let argc = code.argcount as usize;
        let kwonly = code.kwonlycount as usize;
        let posonly = code.posonly as usize;
        let mut pos = args.pos;
        let npos = pos.len();
        let extra = if npos > argc {
            pos.split_off(argc)
        } else {
            Vec::new()
        };
        if !extra.is_empty() && !code.has_varargs {
            let ndef = f.defaults.len();
            let kwgiven = args
                .kw
                .iter()
                .filter(|(k, _)| code.varnames[argc..argc + kwonly].iter().any(|n| n == k))
                .count();
            let takes = if ndef > 0 {
                format!("from {} to {} positional arguments", argc - ndef, argc)
            } else {
                format!(
                    "{} positional argument{}",
                    argc,
                    if argc == 1 { "" } else { "s" }
                )
            };
            let given = if kwgiven > 0 {
                format!(
                    "{npos} positional argument{} (and {kwgiven} keyword-only argument{}) were given",
                    if npos == 1 { "" } else { "s" },
                    if kwgiven == 1 { "" } else { "s" }
                )
            } else {
                format!("{npos} {} given", if npos == 1 { "was" } else { "were" })
            };
            return Err(type_error(format!("{q}() takes {takes} but {given}")));
        }
        for (i, v) in pos.into_iter().enumerate() {
            frame.locals[i] = Some(v);
        }
        let mut slot = argc + kwonly;
        if code.has_varargs {
            frame.locals[slot] = Some(Value::tuple(extra));
            slot += 1;
        }
        let kwdict = if code.has_varkw {
            let d = Rc::new(RefCell::new(Dict::new()));
            frame.locals[slot] = Some(Value::Dict(d.clone()));
            Some(d)
        } else {
            None
        };
        for (k, v) in args.kw {
            let idx = code.varnames[posonly..argc + kwonly]
                .iter()
                .position(|n| *n == k)
                .map(|i| i + posonly);
            match idx {
                Some(i) => {
                    if frame.locals[i].is_some() {
                        return Err(type_error(format!(
                            "{q}() got multiple values for argument '{k}'"
                        )));
                    }
                    frame.locals[i] = Some(v);
                }
                None => match &kwdict {
                    Some(d) => d.borrow_mut().insert(Key::plain(Value::str(&*k)), v),
                    None => {
                        if code.varnames[..posonly].contains(&k) {
                            return Err(type_error(format!(
                                "{q}() got some positional-only arguments passed as keyword arguments: '{k}'"
                            )));
                        }
                        return Err(type_error(format!(
                            "{q}() got an unexpected keyword argument '{k}'"
                        )));
                    }
                },
            }
        }
        let ndef = f.defaults.len();
        let first_def = argc.saturating_sub(ndef);
        let mut missing = Vec::new();
        for i in 0..argc {
            if frame.locals[i].is_none() {
                if i >= first_def {
                    frame.locals[i] = Some(f.defaults[i - first_def].clone());
                } else {
                    missing.push(code.varnames[i].clone());
                }
            }
        }
        if !missing.is_empty() {
            return Err(type_error(format!(
                "{q}() missing {} required positional argument{}: {}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                name_list(&missing)
            )));
        }
        for i in argc..argc + kwonly {
            if frame.locals[i].is_none() {
                let name = &code.varnames[i];
                match f.kwdefaults.iter().find(|(k, _)| k == name) {
                    Some((_, v)) => frame.locals[i] = Some(v.clone()),
                    None => missing.push(name.clone()),
                }
            }
        }
        if !missing.is_empty() {
            return Err(type_error(format!(
                "{q}() missing {} required keyword-only argument{}: {}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                name_list(&missing)
            )));
        }
        Ok(())
    }

    /// `MakeFunction`: a function from a nested code object of the running frame.
    pub fn make_function(
        &mut self,
        frame: &Frame,
        packed: u32,
        defaults: Option<Value>,
        kwdefaults: Option<Value>,
    ) -> PyResult<Value> {
        let idx = (packed & 0x00ff_ffff) as usize;
        let code = frame.code.functions[idx].clone();
        let defaults = match defaults {
            Some(Value::Tuple(t)) => t.to_vec(),
            _ => Vec::new(),
        };
        let kwdefaults = match kwdefaults {
            Some(Value::Dict(d)) => d
                .borrow()
                .items()
                .into_iter()
                .map(|(k, v)| (Rc::from(k.as_str().unwrap_or("")), v))
                .collect(),
            _ => Vec::new(),
        };
        let closure = code
            .free_sources
            .iter()
            .map(|&i| frame.cells[i as usize].clone())
            .collect();
        let doc = code.consts.first().and_then(|c| match c {
            Value::Str(s) if code.has_docstring => Some(Rc::from(s.as_str())),
            _ => None,
        });
        Ok(Value::Function(Rc::new(Function {
            name: RefCell::new(code.name.clone()),
            qualname: code.qualname.clone(),
            globals: frame.globals.clone(),
            defaults,
            kwdefaults,
            closure,
            class: RefCell::new(None),
            dict: RefCell::new(crate::value::AttrMap::default()),
            doc,
            code,
        })))
    }

    /// A readable name of a callable for messages (`f()`, `socket.recv()`).
    pub fn callable_name(&self, func: &Value) -> String {
        match func {
            Value::Function(f) => format!("{}()", f.qualname),
            Value::Native(n) => format!("{}()", n.name),
            Value::BoundMethod(b) => self.callable_name(&b.func),
            Value::Class(c) => format!("{}()", c.name),
            other => format!("{}()", other.type_name()),
        }
    }

    /// `import name`: the module (from sys.modules, a builtin module, or socklab's
    /// Python-written library), as a flow (Python-written modules run as a frame).
    pub fn import_flow(&mut self, name: &str) -> Flow {
        let top = name.split('.').next().unwrap_or(name);
        let m = match self.import_module(top) {
            Ok(Some(m)) => m,
            Ok(None) => {
                // A Python-written module: run its body as a frame.
                match self.module_source(top) {
                    Some(src) => match self.python_module_frame(top, &src) {
                        Ok(f) => {
                            if name.contains('.') {
                                return Flow::Raise(
                                    new_exc(
                                        "ModuleNotFoundError",
                                        format!("No module named '{name}'"),
                                    ),
                                    false,
                                );
                            }
                            return Flow::Call(f);
                        }
                        Err(e) => return Flow::Raise(e, false),
                    },
                    None => {
                        let e = new_exc("ModuleNotFoundError", format!("No module named '{top}'"));
                        e.0.set_attr("name", Value::str(top));
                        return Flow::Raise(e, false);
                    }
                }
            }
            Err(e) => return Flow::Raise(e, false),
        };
        if name.contains('.') {
            let mut cur = m.clone();
            for part in name.split('.').skip(1) {
                match self.getattr(&cur, part) {
                    Ok(v) => cur = v,
                    Err(_) => {
                        return Flow::Raise(
                            new_exc("ModuleNotFoundError", format!("No module named '{name}'")),
                            false,
                        )
                    }
                }
            }
        }
        Flow::Push(m)
    }

    /// A module already imported or built in Rust; `Ok(None)` when it is written in
    /// Python (or unknown).
    pub fn import_module(&mut self, name: &str) -> PyResult<Option<Value>> {
        if let Some(m) = self.modules.get(name) {
            return Ok(Some(m.clone()));
        }
        match crate::modules::native_module(self, name)? {
            Some(m) => {
                self.modules.insert(Rc::from(name), m.clone());
                Ok(Some(m))
            }
            None => Ok(None),
        }
    }

    /// Import from a native (`vm.import("socket")`), running Python modules nested.
    pub fn import(&mut self, name: &str) -> PyResult<Value> {
        if let Some(m) = self.import_module(name)? {
            return Ok(m);
        }
        match self.module_source(name) {
            Some(src) => {
                let f = self.python_module_frame(name, &src)?;
                self.nested += 1;
                let base = self.frames.len();
                let r = self.execute(f, base, Flow::Next);
                self.nested -= 1;
                match r {
                    crate::vm::Outcome::Return(v) => Ok(v),
                    crate::vm::Outcome::Raise(e) => Err(e),
                    _ => Err(crate::exc::runtime_error("import suspended")),
                }
            }
            None => Err(new_exc(
                "ModuleNotFoundError",
                format!("No module named '{name}'"),
            )),
        }
    }

    /// socklab's Python-written library module `name`, or the script's own `name.py`
    /// from the file area (a lesson's `framing.py` beside its server).
    fn module_source(&mut self, name: &str) -> Option<ModuleSource> {
        if let Some(s) = crate::modules::python_source(name) {
            return Some(ModuleSource {
                filename: s.filename.to_string(),
                source: s.source.to_string(),
                hidden: s.hidden,
            });
        }
        let file = format!("{name}.py");
        let data = self.host.read_file(&file).ok()?;
        let text = String::from_utf8_lossy(&data).into_owned();
        Some(ModuleSource {
            filename: file,
            source: text,
            hidden: false,
        })
    }

    fn python_module_frame(&mut self, name: &str, src: &ModuleSource) -> PyResult<Box<Frame>> {
        let code = crate::compile::compile_source(&src.source, &src.filename, src.hidden).map_err(
            |e| {
                if src.hidden {
                    crate::exc::runtime_error(format!("internal module {name}: {e}"))
                } else {
                    new_exc(
                        "SyntaxError",
                        e.msg.trim_start_matches("SyntaxError: ").to_string(),
                    )
                }
            },
        )?;
        self.sources.insert(
            Rc::from(&*src.filename),
            Rc::new(src.source.lines().map(String::from).collect()),
        );
        let (module, globals) = new_module(name);
        self.modules.insert(Rc::from(name), module.clone());
        Ok(self.module_frame(code, module, globals))
    }
}

/// The source of a module written in Python (socklab's library or the script's own).
struct ModuleSource {
    filename: String,
    source: String,
    hidden: bool,
}

/// A fresh module object and its globals.
pub fn new_module(name: &str) -> (Value, crate::value::Globals) {
    let globals = Rc::new(RefCell::new(Dict::new()));
    globals.borrow_mut().set_str("__name__", Value::str(name));
    let m = Value::Module(Rc::new(Module {
        name: Rc::from(name),
        globals: globals.clone(),
    }));
    (m, globals)
}

fn name_list(names: &[Rc<str>]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match q.len() {
        1 => q[0].clone(),
        2 => format!("{} and {}", q[0], q[1]),
        _ => format!("{}, and {}", q[..q.len() - 1].join(", "), q[q.len() - 1]),
    }
}

fn not_callable(v: &Value) -> PyErr {
    type_error(format!("'{}' object is not callable", v.type_name()))
}

/// Create a class from a class body's namespace.
pub fn build_class(
    name: Rc<str>,
    bases: Vec<Value>,
    ns: Rc<RefCell<Dict>>,
    module: Rc<str>,
) -> PyResult<Value> {
    let mut base_classes: Vec<Rc<Class>> = bases
        .iter()
        .filter_map(|b| match b {
            Value::Class(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    if base_classes.is_empty() {
        base_classes.push(types().object.clone());
    }
    let kind = if base_classes.iter().any(|b| b.kind == ClassKind::Exception) {
        ClassKind::Exception
    } else {
        ClassKind::Object
    };
    let mut dict = crate::value::AttrMap::default();
    let mut qualname = name.clone();
    for (k, v) in ns.borrow().items() {
        if let Some(s) = k.as_str() {
            if s == "__qualname__" {
                if let Some(q) = v.as_str() {
                    qualname = Rc::from(q);
                }
                continue;
            }
            dict.insert(Rc::from(s), v);
        }
    }
    // A class defining __eq__ but not __hash__ is unhashable, as in CPython.
    if dict.contains_key("__eq__") && !dict.contains_key("__hash__") {
        dict.insert(Rc::from("__hash__"), Value::None);
    }
    let cls = Rc::new(Class {
        name,
        qualname,
        module,
        bases: base_classes,
        mro: RefCell::new(Vec::new()),
        dict: RefCell::new(dict),
        kind,
        new: None,
        builtin: false,
        flags: std::cell::Cell::new(0),
    });
    let mro = compute_mro(&cls);
    *cls.mro.borrow_mut() = mro;
    for v in cls.dict.borrow().values() {
        set_defining_class(v, &cls);
    }
    Ok(Value::Class(cls))
}

fn set_defining_class(v: &Value, cls: &Rc<Class>) {
    match v {
        Value::Function(f) => *f.class.borrow_mut() = Some(cls.clone()),
        Value::Instance(i) => {
            // staticmethod/classmethod/property wrap functions in their dict.
            for w in i.dict.borrow().values() {
                set_defining_class(w, cls);
            }
        }
        _ => {}
    }
}

impl Code {
    /// A code object's nested function codes are in `functions`.
    pub fn function(&self, i: usize) -> &Rc<Code> {
        &self.functions[i]
    }
}

/// The builtin value type a user class derives from (`class L(list)`), if any: its
/// instances wrap a value of that type ([`BaseValue`]).
pub fn value_base(c: &Class) -> Option<Rc<Class>> {
    let t = types();
    let kinds = [
        &t.list,
        &t.dict,
        &t.set,
        &t.str_,
        &t.int,
        &t.float,
        &t.tuple,
        &t.bytes,
        &t.frozenset,
    ];
    let mro = c.mro.borrow();
    mro.iter()
        .skip(1)
        .find(|b| b.builtin && kinds.iter().any(|k| Rc::ptr_eq(k, b)))
        .cloned()
}
