//! The VM's less frequent instructions (the hot ones are inline in `Vm::execute`).

use std::cell::RefCell;
use std::rc::Rc;

use crate::builtins::Args;
use crate::code::{CodeKind, Instr};
use crate::exc::{new_exc, type_error, PyErr};
use crate::types::types;
use crate::value::{Dict, Function, Key, SliceObj, Value};
use crate::vm::{tri, unbound_local, Block, Flow, Frame, FrameKind, Vm};

impl Vm<'_> {
    pub(crate) fn step(&mut self, frame: &mut Frame, instr: Instr) -> Flow {
        macro_rules! pop {
            () => {
                frame.stack.pop().expect("stack underflow")
            };
        }
        match instr {
            Instr::Nop => {}
            Instr::DeleteFast(i) => {
                if frame.locals[i as usize].take().is_none() {
                    return Flow::Raise(unbound_local(&frame.code.varnames[i as usize]), false);
                }
            }
            Instr::LoadDeref(i) => {
                let v = frame.cells[i as usize].borrow().clone();
                match v {
                    Some(v) => frame.stack.push(v),
                    None => {
                        let name = self.cell_name(frame, i);
                        let ncell = frame.code.cellvars.len();
                        return Flow::Raise(
                            if (i as usize) < ncell {
                                unbound_local(&name)
                            } else {
                                new_exc(
                                    "NameError",
                                    format!("cannot access free variable '{name}' where it is not associated with a value in enclosing scope"),
                                )
                            },
                            false,
                        );
                    }
                }
            }
            Instr::StoreDeref(i) => {
                let v = pop!();
                *frame.cells[i as usize].borrow_mut() = Some(v);
            }
            Instr::DeleteDeref(i) => {
                frame.cells[i as usize].borrow_mut().take();
            }
            Instr::DeleteGlobal(i) => {
                let key = Key::plain(frame.code.consts_names()[i as usize].clone());
                if frame.globals.borrow_mut().remove(&key).is_none() {
                    return Flow::Raise(
                        self.name_error(frame, &frame.code.names[i as usize]),
                        false,
                    );
                }
            }
            Instr::LoadName(i) => {
                let key = Key::plain(frame.code.consts_names()[i as usize].clone());
                let local = frame.ns.as_ref().and_then(|ns| ns.borrow().get(&key));
                match local.or_else(|| self.load_global(&frame.globals, &key)) {
                    Some(v) => frame.stack.push(v),
                    None => {
                        return Flow::Raise(
                            self.name_error(frame, &frame.code.names[i as usize]),
                            false,
                        )
                    }
                }
            }
            Instr::StoreName(i) => {
                let v = pop!();
                let key = Key::plain(frame.code.consts_names()[i as usize].clone());
                match &frame.ns {
                    Some(ns) => ns.borrow_mut().insert(key, v),
                    None => frame.globals.borrow_mut().insert(key, v),
                }
            }
            Instr::DeleteName(i) => {
                let key = Key::plain(frame.code.consts_names()[i as usize].clone());
                let removed = match &frame.ns {
                    Some(ns) => ns.borrow_mut().remove(&key),
                    None => frame.globals.borrow_mut().remove(&key),
                };
                if removed.is_none() {
                    return Flow::Raise(
                        self.name_error(frame, &frame.code.names[i as usize]),
                        false,
                    );
                }
            }
            Instr::LoadBuiltin(i) => {
                let key = Key::plain(frame.code.consts_names()[i as usize].clone());
                match self.builtins.borrow().get(&key) {
                    Some(v) => frame.stack.push(v),
                    None => {
                        return Flow::Raise(
                            self.name_error(frame, &frame.code.names[i as usize]),
                            false,
                        )
                    }
                }
            }
            Instr::LoadClassCell => {
                let cls = frame.func.as_ref().and_then(|f| f.class.borrow().clone());
                match cls {
                    Some(c) => frame.stack.push(Value::Class(c)),
                    None => {
                        return Flow::Raise(
                            new_exc("RuntimeError", "super(): __class__ cell not found"),
                            false,
                        )
                    }
                }
            }
            Instr::LoadAttr(i) => {
                let obj = pop!();
                let name = frame.code.names[i as usize].clone();
                let v = tri!(self.getattr(&obj, &name));
                frame.stack.push(v);
            }
            Instr::StoreAttr(i) => {
                let obj = pop!();
                let v = pop!();
                let name = frame.code.names[i as usize].clone();
                tri!(self.setattr(&obj, &name, v));
            }
            Instr::DeleteAttr(i) => {
                let obj = pop!();
                let name = frame.code.names[i as usize].clone();
                tri!(self.delattr(&obj, &name));
            }
            Instr::LoadMethod(i) => {
                let obj = pop!();
                let name = frame.code.names[i as usize].clone();
                match tri!(self.lookup_method(&obj, &name)) {
                    Some(m) => {
                        frame.stack.push(m);
                        frame.stack.push(obj);
                    }
                    None => {
                        let v = tri!(self.getattr(&obj, &name));
                        frame.stack.push(v);
                        frame.stack.push(Value::NotImplemented);
                    }
                }
            }
            Instr::CallMethod(n) => {
                let n = n as usize;
                let at = frame.stack.len() - n;
                let recv_at = at - 1;
                let mut pos = Vec::with_capacity(n + 1);
                let recv = std::mem::replace(&mut frame.stack[recv_at], Value::None);
                let has_recv = !matches!(recv, Value::NotImplemented);
                if has_recv {
                    pos.push(recv);
                }
                pos.extend(frame.stack.drain(at..));
                frame.stack.pop();
                let func = pop!();
                return self.call_flow(
                    func,
                    Args {
                        pos,
                        kw: Vec::new(),
                    },
                );
            }
            Instr::BinarySubscr => {
                let idx = pop!();
                let obj = pop!();
                return match self.getitem(&obj, &idx) {
                    Ok(v) => Flow::Push(v),
                    Err(e) => Flow::Raise(e, false),
                };
            }
            Instr::StoreSubscr => {
                let idx = pop!();
                let obj = pop!();
                let v = pop!();
                tri!(self.setitem(&obj, idx, v));
            }
            Instr::DeleteSubscr => {
                let idx = pop!();
                let obj = pop!();
                tri!(self.delitem(&obj, &idx));
            }
            Instr::UnaryOp(op) => {
                let v = pop!();
                let r = tri!(self.unary_op(op, v));
                frame.stack.push(r);
            }
            Instr::Dup => {
                let v = frame.stack.last().cloned().expect("stack");
                frame.stack.push(v);
            }
            Instr::Dup2 => {
                let n = frame.stack.len();
                let a = frame.stack[n - 2].clone();
                let b = frame.stack[n - 1].clone();
                frame.stack.push(a);
                frame.stack.push(b);
            }
            Instr::Rot2 => {
                let n = frame.stack.len();
                frame.stack.swap(n - 1, n - 2);
            }
            Instr::Rot3 => {
                // TOS moves down two: [a, b, c] -> [c, a, b]
                let v = pop!();
                let n = frame.stack.len();
                frame.stack.insert(n - 2, v);
            }
            Instr::Rot4 => {
                let v = pop!();
                let n = frame.stack.len();
                frame.stack.insert(n - 3, v);
            }
            Instr::JumpIfFalseOrPop(t) => {
                let v = frame.stack.last().cloned().expect("stack");
                if !tri!(self.truthy(&v)) {
                    frame.pc = t as usize;
                } else {
                    frame.stack.pop();
                }
            }
            Instr::JumpIfTrueOrPop(t) => {
                let v = frame.stack.last().cloned().expect("stack");
                if tri!(self.truthy(&v)) {
                    frame.pc = t as usize;
                } else {
                    frame.stack.pop();
                }
            }
            Instr::GetIter => {
                let v = pop!();
                let it = tri!(self.get_iter(&v));
                frame.stack.push(it);
            }
            Instr::BuildList(n) => {
                let items = frame.stack.split_off(frame.stack.len() - n as usize);
                frame.stack.push(Value::list(items));
            }
            Instr::BuildTuple(n) => {
                let items = frame.stack.split_off(frame.stack.len() - n as usize);
                frame.stack.push(Value::tuple(items));
            }
            Instr::BuildSet(n) => {
                let items = frame.stack.split_off(frame.stack.len() - n as usize);
                let mut s = crate::value::Set::new();
                for v in items {
                    let k = tri!(self.hash_key(v));
                    let k = tri!(self.local_key(&s.items, k));
                    s.insert(k);
                }
                crate::builtins::set::reorder_like_cpython(&mut s);
                frame.stack.push(Value::Set(Rc::new(RefCell::new(s))));
            }
            Instr::BuildMap(n) => {
                let items = frame.stack.split_off(frame.stack.len() - 2 * n as usize);
                let mut d = Dict::new();
                let mut it = items.into_iter();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    let k = tri!(self.hash_key(k));
                    let k = tri!(self.local_key(&d, k));
                    d.insert(k, v);
                }
                frame.stack.push(Value::dict(d));
            }
            Instr::BuildSlice(n) => {
                let step = if n == 3 { pop!() } else { Value::None };
                let stop = pop!();
                let start = pop!();
                frame
                    .stack
                    .push(Value::Slice(Rc::new(SliceObj { start, stop, step })));
            }
            Instr::BuildString(n) => {
                let items = frame.stack.split_off(frame.stack.len() - n as usize);
                let mut s = String::new();
                for v in &items {
                    if let Value::Str(p) = v {
                        s.push_str(p.as_str());
                    }
                }
                frame.stack.push(Value::str(s));
            }
            Instr::ListAppend(d) => {
                let v = pop!();
                let n = frame.stack.len();
                if let Value::List(l) = &frame.stack[n - d as usize] {
                    l.borrow_mut().push(v);
                }
            }
            Instr::SetAdd(d) => {
                let v = pop!();
                let n = frame.stack.len();
                if let Value::Set(s) = &frame.stack[n - d as usize] {
                    let s = s.clone();
                    let k = tri!(self.set_key(&s, v));
                    s.borrow_mut().insert(k);
                }
            }
            Instr::MapAdd(d) => {
                let v = pop!();
                let k = pop!();
                let n = frame.stack.len();
                if let Value::Dict(m) = &frame.stack[n - d as usize] {
                    let m = m.clone();
                    let k = tri!(self.dict_key(&m, k));
                    m.borrow_mut().insert(k, v);
                }
            }
            Instr::ListExtend(d) => {
                let v = pop!();
                let items = tri!(self.iterate(&v));
                let n = frame.stack.len();
                if let Value::List(l) = &frame.stack[n - d as usize] {
                    l.borrow_mut().extend(items);
                }
            }
            Instr::SetUpdate(d) => {
                let v = pop!();
                let items = tri!(self.iterate(&v));
                let mut keys = Vec::with_capacity(items.len());
                for it in items {
                    keys.push(tri!(self.hash_key(it)));
                }
                let n = frame.stack.len();
                if let Value::Set(s) = &frame.stack[n - d as usize] {
                    let s = s.clone();
                    for k in keys {
                        let cands = s.borrow().items.candidates(&k);
                        let k = tri!(self.canon_key(cands, k));
                        s.borrow_mut().insert(k);
                    }
                }
            }
            Instr::DictUpdate(d) => {
                let v = pop!();
                // A dict subclass unpacks as its dict.
                let v = match v.base_value() {
                    Some(b @ Value::Dict(_)) => b.clone(),
                    _ => v,
                };
                let pairs = match &v {
                    Value::Dict(src) => src
                        .borrow()
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect::<Vec<_>>(),
                    other => {
                        return Flow::Raise(
                            type_error(format!("'{}' object is not a mapping", other.type_name())),
                            false,
                        )
                    }
                };
                let n = frame.stack.len();
                if let Value::Dict(m) = &frame.stack[n - d as usize] {
                    let m = m.clone();
                    for (k, v) in pairs {
                        let cands = m.borrow().candidates(&k);
                        let k = tri!(self.canon_key(cands, k));
                        m.borrow_mut().insert(k, v);
                    }
                }
            }
            Instr::ListToTuple => {
                let v = pop!();
                if let Value::List(l) = v {
                    let items = l.borrow().clone();
                    frame.stack.push(Value::tuple(items));
                }
            }
            Instr::FormatValue(flags) => {
                let spec = if flags & 4 != 0 { Some(pop!()) } else { None };
                let v = pop!();
                let v = match flags & 3 {
                    1 => Value::str(tri!(self.str(&v))),
                    2 => Value::str(tri!(self.repr(&v))),
                    3 => Value::str(tri!(self.ascii(&v))),
                    _ => v,
                };
                let spec_s = match &spec {
                    Some(Value::Str(s)) => s.as_str().to_string(),
                    _ => String::new(),
                };
                let s = tri!(self.format(&v, &spec_s));
                frame.stack.push(Value::str(s));
            }
            Instr::UnpackSequence(n) => {
                let v = pop!();
                let items = tri!(self.unpack(&v, n as usize));
                for it in items.into_iter().rev() {
                    frame.stack.push(it);
                }
            }
            Instr::UnpackEx(packed) => {
                let before = (packed & 0xffff) as usize;
                let after = (packed >> 16) as usize;
                let v = pop!();
                let items = tri!(self.iterate(&v));
                if items.len() < before + after {
                    return Flow::Raise(
                        new_exc(
                            "ValueError",
                            format!(
                                "not enough values to unpack (expected at least {}, got {})",
                                before + after,
                                items.len()
                            ),
                        ),
                        false,
                    );
                }
                let mid_end = items.len() - after;
                let mut out: Vec<Value> = items[..before].to_vec();
                out.push(Value::list(items[before..mid_end].to_vec()));
                out.extend_from_slice(&items[mid_end..]);
                for it in out.into_iter().rev() {
                    frame.stack.push(it);
                }
            }
            Instr::Call(n) => {
                let args = frame.stack.split_off(frame.stack.len() - n as usize);
                let func = pop!();
                return self.call_flow(
                    func,
                    Args {
                        pos: args,
                        kw: Vec::new(),
                    },
                );
            }
            Instr::CallKw(n) => {
                let names = pop!();
                let Value::Tuple(names) = names else {
                    return Flow::Raise(type_error("bad call"), false);
                };
                let mut args = frame.stack.split_off(frame.stack.len() - n as usize);
                let kwvals = args.split_off(args.len() - names.len());
                let kw = names
                    .iter()
                    .zip(kwvals)
                    .map(|(k, v)| (Rc::from(k.as_str().unwrap_or("")), v))
                    .collect();
                let func = pop!();
                return self.call_flow(func, Args { pos: args, kw });
            }
            Instr::CallEx(flags) => {
                let kwargs = if flags & 1 != 0 { Some(pop!()) } else { None };
                let args = pop!();
                let func = pop!();
                let pos = match args {
                    Value::Tuple(t) => t.to_vec(),
                    other => match self.iterate(&other) {
                        Ok(v) => v,
                        Err(_) => {
                            return Flow::Raise(
                                type_error(format!(
                                    "{} argument after * must be an iterable, not {}",
                                    self.callable_name(&func),
                                    other.type_name()
                                )),
                                false,
                            )
                        }
                    },
                };
                let mut kw = Vec::new();
                if let Some(k) = kwargs {
                    let k = match k.base_value() {
                        Some(b @ Value::Dict(_)) => b.clone(),
                        _ => k,
                    };
                    match k {
                        Value::Dict(d) => {
                            for (k, v) in d.borrow().items() {
                                match k {
                                    Value::Str(s) => kw.push((Rc::from(s.as_str()), v)),
                                    _ => {
                                        return Flow::Raise(
                                            type_error("keywords must be strings"),
                                            false,
                                        )
                                    }
                                }
                            }
                        }
                        other => {
                            return Flow::Raise(
                                type_error(format!(
                                    "{} argument after ** must be a mapping, not {}",
                                    self.callable_name(&func),
                                    other.type_name()
                                )),
                                false,
                            )
                        }
                    }
                }
                return self.call_flow(func, Args { pos, kw });
            }
            Instr::MakeFunction(packed) => {
                let flags = packed >> 24;
                let kwdefaults = if flags & 2 != 0 { Some(pop!()) } else { None };
                let defaults = if flags & 1 != 0 { Some(pop!()) } else { None };
                let f = tri!(self.make_function(frame, packed, defaults, kwdefaults));
                frame.stack.push(f);
            }
            Instr::BuildClass(n) => {
                let bases = frame.stack.split_off(frame.stack.len() - n as usize);
                let name = pop!();
                let body = pop!();
                let Value::Function(body) = body else {
                    return Flow::Raise(type_error("bad class body"), false);
                };
                let name: Rc<str> = Rc::from(name.as_str().unwrap_or("?"));
                for b in &bases {
                    if !matches!(b, Value::Class(_)) {
                        return Flow::Raise(
                            type_error(if matches!(b, Value::Function(_) | Value::Native(_)) {
                                "function() argument 'code' must be code, not str".to_string()
                            } else {
                                format!("{} is not a valid base class", b.type_name())
                            }),
                            false,
                        );
                    }
                }
                let mut f = Frame::new(body.code.clone(), body.globals.clone(), Some(body.clone()));
                f.cells = self.new_cells(&body.code, &body);
                f.ns = Some(Rc::new(RefCell::new(Dict::new())));
                {
                    let ns = f.ns.as_ref().unwrap();
                    let module = frame
                        .globals
                        .borrow()
                        .get_str("__name__")
                        .unwrap_or(Value::str("__main__"));
                    ns.borrow_mut().set_str("__module__", module);
                    ns.borrow_mut()
                        .set_str("__qualname__", Value::str(&*body.qualname));
                }
                f.kind = FrameKind::ClassBody { name, bases };
                f.exc_depth = self.exc_stack.len();
                return Flow::Call(f);
            }
            Instr::YieldValue => {
                let v = pop!();
                return Flow::Yield(v);
            }
            Instr::SetupExcept(h) | Instr::SetupFinally(h) => {
                frame.blocks.push(Block {
                    handler: h,
                    stack_len: frame.stack.len() as u32,
                    exc_depth: self.exc_stack.len() as u32,
                });
            }
            Instr::PopBlock => {
                frame.blocks.pop();
            }
            Instr::PopExcept => {
                self.exc_stack.pop();
            }
            Instr::Raise(n) => {
                return match n {
                    0 => match self.exc_stack.last().cloned() {
                        Some(e) => match PyErr::from_value(&e) {
                            Some(e) => Flow::Raise(e, true),
                            None => Flow::Raise(runtime_error_no_active(), false),
                        },
                        None => Flow::Raise(runtime_error_no_active(), false),
                    },
                    1 => {
                        let v = pop!();
                        match self.make_exception(v) {
                            Ok(e) => Flow::Raise(e, false),
                            Err(e) => Flow::Raise(e, false),
                        }
                    }
                    _ => {
                        let cause = pop!();
                        let v = pop!();
                        let e = tri!(self.make_exception(v));
                        let cause = if cause.is_none() {
                            None
                        } else {
                            Some(tri!(self.make_exception(cause)).value())
                        };
                        {
                            let mut d = e.data();
                            d.cause = cause;
                            d.suppress_context = true;
                        }
                        Flow::Raise(e, false)
                    }
                };
            }
            Instr::Reraise => {
                let v = pop!();
                return match PyErr::from_value(&v) {
                    Some(e) => Flow::Raise(e, true),
                    None => Flow::Raise(
                        type_error("exceptions must derive from BaseException"),
                        false,
                    ),
                };
            }
            Instr::CheckExcMatch => {
                let cls = pop!();
                let exc = pop!();
                let m = tri!(self.exc_matches(&exc, &cls));
                frame.stack.push(Value::Bool(m));
            }
            Instr::BeforeWith => {
                let mgr = pop!();
                let exit = match self.lookup_special(&mgr, "__exit__") {
                    Some(e) => e,
                    None => {
                        let enter_missing = self.lookup_special(&mgr, "__enter__").is_none();
                        let what = if enter_missing {
                            "context manager"
                        } else {
                            "context manager protocol"
                        };
                        let _ = what;
                        return Flow::Raise(
                            type_error(format!(
                                "'{}' object does not support the context manager protocol",
                                mgr.type_name()
                            )),
                            false,
                        );
                    }
                };
                let Some(enter) = self.lookup_special(&mgr, "__enter__") else {
                    return Flow::Raise(
                        type_error(format!(
                            "'{}' object does not support the context manager protocol",
                            mgr.type_name()
                        )),
                        false,
                    );
                };
                frame.stack.push(exit);
                return self.call_flow(enter, Args::new(vec![]));
            }
            Instr::WithExceptStart => {
                let n = frame.stack.len();
                let exc = frame.stack[n - 1].clone();
                let exit = frame.stack[n - 2].clone();
                let ty = Value::Class(types().class_of(&exc));
                return self.call_flow(exit, Args::new(vec![ty, exc, Value::None]));
            }
            Instr::ImportName(i) => {
                let name = frame.code.names[i as usize].clone();
                return self.import_flow(&name);
            }
            Instr::ImportFrom(i) => {
                let module = frame.stack.last().cloned().expect("module");
                let name = frame.code.names[i as usize].clone();
                match self.getattr(&module, &name) {
                    Ok(v) => frame.stack.push(v),
                    Err(e) if e.is("AttributeError") => {
                        let mname = match &module {
                            Value::Module(m) => m.name.to_string(),
                            _ => "?".into(),
                        };
                        return Flow::Raise(
                            new_exc(
                                "ImportError",
                                format!(
                                    "cannot import name '{name}' from '{mname}' (unknown location)"
                                ),
                            ),
                            false,
                        );
                    }
                    Err(e) => return Flow::Raise(e, false),
                }
            }
            Instr::ImportStar => {
                let module = pop!();
                if let Value::Module(m) = &module {
                    let all = m.globals.borrow().get_str("__all__");
                    let names: Vec<(Value, Value)> = match all {
                        Some(all) => {
                            let names = tri!(self.iterate(&all));
                            let mut out = Vec::new();
                            for n in names {
                                let v = tri!(self.getattr(&module, n.as_str().unwrap_or("")));
                                out.push((n, v));
                            }
                            out
                        }
                        None => m
                            .globals
                            .borrow()
                            .items()
                            .into_iter()
                            .filter(|(k, _)| !k.as_str().unwrap_or("_").starts_with('_'))
                            .collect(),
                    };
                    let target = frame.ns.clone().unwrap_or_else(|| frame.globals.clone());
                    let mut t = target.borrow_mut();
                    for (k, v) in names {
                        t.insert(Key::plain(k), v);
                    }
                }
            }
            Instr::EndFor => {
                frame.stack.pop();
            }
            // Handled inline in `execute`.
            Instr::LoadFast(_)
            | Instr::StoreFast(_)
            | Instr::LoadConst(_)
            | Instr::Pop
            | Instr::Jump(_)
            | Instr::PopJumpIfFalse(_)
            | Instr::PopJumpIfTrue(_)
            | Instr::BinaryOp(_)
            | Instr::InplaceOp(_)
            | Instr::CompareOp(_)
            | Instr::LoadGlobal(_)
            | Instr::StoreGlobal(_)
            | Instr::ReturnValue
            | Instr::ForIter(_) => unreachable!("inline instruction"),
        }
        Flow::Next
    }

    fn cell_name(&self, frame: &Frame, i: u32) -> Rc<str> {
        let i = i as usize;
        let n = frame.code.cellvars.len();
        if i < n {
            frame.code.cellvars[i].clone()
        } else {
            frame
                .code
                .freevars
                .get(i - n)
                .cloned()
                .unwrap_or_else(|| Rc::from("?"))
        }
    }

    /// `NameError: name 'x' is not defined` with CPython's "Did you mean" suggestion.
    pub fn name_error(&self, frame: &Frame, name: &str) -> PyErr {
        let mut candidates: Vec<String> = Vec::new();
        if frame.code.kind == CodeKind::Function {
            candidates.extend(frame.code.varnames.iter().map(|s| s.to_string()));
        }
        if let Some(ns) = &frame.ns {
            candidates.extend(
                ns.borrow()
                    .keys()
                    .iter()
                    .filter_map(|k| k.as_str().map(String::from)),
            );
        }
        candidates.extend(
            frame
                .globals
                .borrow()
                .keys()
                .iter()
                .filter_map(|k| k.as_str().map(String::from)),
        );
        candidates.extend(
            self.builtins
                .borrow()
                .keys()
                .iter()
                .filter_map(|k| k.as_str().map(String::from)),
        );
        let e = new_exc("NameError", format!("name '{name}' is not defined"));
        e.0.set_attr("name", Value::str(name));
        e.data().suggestion = crate::suggest::suggest(name, &candidates);
        e
    }

    /// Cells for a new frame of `code`: fresh cell variables, then the closure.
    pub fn new_cells(
        &self,
        code: &crate::code::Code,
        func: &Function,
    ) -> Vec<crate::value::CellRef> {
        if code.cellvars.is_empty() && code.freevars.is_empty() {
            return Vec::new();
        }
        let mut cells: Vec<crate::value::CellRef> = code
            .cellvars
            .iter()
            .map(|_| Rc::new(RefCell::new(None)))
            .collect();
        cells.extend(func.closure.iter().cloned());
        cells
    }

    /// The exception instance for `raise v` (a class is instantiated).
    pub fn make_exception(&mut self, v: Value) -> Result<PyErr, PyErr> {
        match &v {
            Value::Class(c) if c.is_subclass(&types().base_exception) => {
                let inst = self.call(&v, vec![])?;
                PyErr::from_value(&inst)
                    .ok_or_else(|| type_error("exceptions must derive from BaseException"))
            }
            Value::Instance(_) => PyErr::from_value(&v)
                .ok_or_else(|| type_error("exceptions must derive from BaseException")),
            _ => Err(type_error("exceptions must derive from BaseException")),
        }
    }

    fn exc_matches(&mut self, exc: &Value, cls: &Value) -> Result<bool, PyErr> {
        let ec = types().class_of(exc);
        match cls {
            Value::Class(c) => {
                if !c.is_subclass(&types().base_exception) {
                    return Err(type_error(
                        "catching classes that do not inherit from BaseException is not allowed",
                    ));
                }
                Ok(ec.is_subclass(c))
            }
            Value::Tuple(items) => {
                for it in items.iter() {
                    if self.exc_matches(exc, it)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            _ => Err(type_error(
                "catching classes that do not inherit from BaseException is not allowed",
            )),
        }
    }
}

fn runtime_error_no_active() -> PyErr {
    new_exc("RuntimeError", "No active exception to reraise")
}

impl crate::code::Code {
    /// Names as str values (built once per code object) for dict lookups.
    pub fn consts_names(&self) -> &[Value] {
        &self.name_values
    }
}
