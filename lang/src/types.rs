//! The builtin classes (int, str, list, ..., the exception hierarchy), created once per
//! thread and shared by every interpreter on it (they are immutable after creation).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::builtins::{self, NativeFnPtr, NativeTable};
use crate::value::{compute_mro, Class, ClassKind, NativeFunc, Value};

/// Every builtin class, by role.
pub struct Types {
    pub object: Rc<Class>,
    pub type_: Rc<Class>,
    pub int: Rc<Class>,
    pub bool_: Rc<Class>,
    pub float: Rc<Class>,
    pub str_: Rc<Class>,
    pub bytes: Rc<Class>,
    pub bytearray: Rc<Class>,
    pub list: Rc<Class>,
    pub tuple: Rc<Class>,
    pub dict: Rc<Class>,
    pub set: Rc<Class>,
    pub frozenset: Rc<Class>,
    pub range: Rc<Class>,
    pub slice: Rc<Class>,
    pub none: Rc<Class>,
    pub function: Rc<Class>,
    pub builtin_function: Rc<Class>,
    pub method: Rc<Class>,
    pub module: Rc<Class>,
    pub generator: Rc<Class>,
    pub iterator: Rc<Class>,
    pub ellipsis: Rc<Class>,
    pub not_implemented: Rc<Class>,
    pub property: Rc<Class>,
    pub staticmethod: Rc<Class>,
    pub classmethod: Rc<Class>,
    pub super_: Rc<Class>,
    pub base_exception: Rc<Class>,
    excs: HashMap<&'static str, Rc<Class>>,
    /// Exception class names in definition order (for the builtins module).
    exc_order: Vec<&'static str>,
}

thread_local! {
    static TYPES: &'static Types = Box::leak(Box::new(Types::create()));
}

/// The builtin classes of this thread.
pub fn types() -> &'static Types {
    TYPES.with(|t| *t)
}

/// Make a native function value.
pub fn native(name: &'static str, owner: &'static str, func: NativeFnPtr) -> Value {
    Value::Native(Rc::new(NativeFunc {
        name,
        owner,
        func,
        data: None,
    }))
}

/// Create a class. `methods` go into its dict as natives.
pub fn new_class(
    name: &'static str,
    module: &'static str,
    bases: Vec<Rc<Class>>,
    kind: ClassKind,
    new: Option<NativeFnPtr>,
    methods: NativeTable,
    builtin: bool,
) -> Rc<Class> {
    let mut dict = crate::value::AttrMap::default();
    for (n, f) in methods {
        dict.insert(Rc::from(*n), native(n, name, *f));
    }
    let cls = Rc::new(Class {
        name: Rc::from(name),
        qualname: Rc::from(name),
        module: Rc::from(module),
        bases,
        mro: RefCell::new(Vec::new()),
        dict: RefCell::new(dict),
        kind,
        new,
        builtin,
        flags: std::cell::Cell::new(0),
    });
    let mro = compute_mro(&cls);
    *cls.mro.borrow_mut() = mro;
    cls
}

impl Types {
    fn create() -> Types {
        use builtins::{bytes, dict, list, number, object, set, str as s};
        let object = new_class(
            "object",
            "builtins",
            vec![],
            ClassKind::Object,
            Some(object::object_new),
            object::OBJECT_METHODS,
            true,
        );
        let o = || vec![object.clone()];
        let mk = |name: &'static str, new: Option<NativeFnPtr>, methods: NativeTable| {
            new_class(name, "builtins", o(), ClassKind::Object, new, methods, true)
        };
        let type_ = mk("type", Some(object::type_new), object::TYPE_METHODS);
        let int = mk("int", Some(number::int_new), number::INT_METHODS);
        let bool_ = new_class(
            "bool",
            "builtins",
            vec![int.clone()],
            ClassKind::Object,
            Some(number::bool_new),
            &[],
            true,
        );
        let float = mk("float", Some(number::float_new), number::FLOAT_METHODS);
        let str_ = mk("str", Some(s::str_new), s::METHODS);
        let bytes_ = mk("bytes", Some(bytes::bytes_new), bytes::BYTES_METHODS);
        let bytearray = mk(
            "bytearray",
            Some(bytes::bytearray_new),
            bytes::BYTEARRAY_METHODS,
        );
        let list_ = mk("list", Some(list::list_new), list::LIST_METHODS);
        let tuple = mk("tuple", Some(list::tuple_new), list::TUPLE_METHODS);
        let dict_ = mk("dict", Some(dict::dict_new), dict::METHODS);
        let set_ = mk("set", Some(set::set_new), set::SET_METHODS);
        let frozenset = mk(
            "frozenset",
            Some(set::frozenset_new),
            set::FROZENSET_METHODS,
        );
        let range = mk("range", Some(list::range_new), list::RANGE_METHODS);
        let slice = mk("slice", Some(object::slice_new), &[]);
        let none = mk("NoneType", None, &[]);
        let function = mk("function", None, &[]);
        let builtin_function = mk("builtin_function_or_method", None, &[]);
        let method = mk("method", None, &[]);
        let module = mk("module", None, &[]);
        let generator = mk("generator", None, object::GENERATOR_METHODS);
        let iterator = mk("iterator", None, object::ITERATOR_METHODS);
        let ellipsis = mk("ellipsis", None, &[]);
        let not_implemented = mk("NotImplementedType", None, &[]);
        let property = mk(
            "property",
            Some(object::property_new),
            object::PROPERTY_METHODS,
        );
        let staticmethod = mk("staticmethod", Some(object::staticmethod_new), &[]);
        let classmethod = mk("classmethod", Some(object::classmethod_new), &[]);
        let super_ = mk("super", Some(object::super_new), &[]);

        let base_exception = new_class(
            "BaseException",
            "builtins",
            o(),
            ClassKind::Exception,
            Some(object::exception_new),
            object::EXCEPTION_METHODS,
            false,
        );
        let mut excs: HashMap<&'static str, Rc<Class>> = HashMap::new();
        let mut exc_order = vec!["BaseException"];
        excs.insert("BaseException", base_exception.clone());
        // (name, base), parents before children.
        const HIERARCHY: &[(&str, &str)] = &[
            ("GeneratorExit", "BaseException"),
            ("KeyboardInterrupt", "BaseException"),
            ("SystemExit", "BaseException"),
            ("Exception", "BaseException"),
            ("ArithmeticError", "Exception"),
            ("FloatingPointError", "ArithmeticError"),
            ("OverflowError", "ArithmeticError"),
            ("ZeroDivisionError", "ArithmeticError"),
            ("AssertionError", "Exception"),
            ("AttributeError", "Exception"),
            ("BufferError", "Exception"),
            ("EOFError", "Exception"),
            ("ImportError", "Exception"),
            ("ModuleNotFoundError", "ImportError"),
            ("LookupError", "Exception"),
            ("IndexError", "LookupError"),
            ("KeyError", "LookupError"),
            ("MemoryError", "Exception"),
            ("NameError", "Exception"),
            ("UnboundLocalError", "NameError"),
            ("OSError", "Exception"),
            ("BlockingIOError", "OSError"),
            ("ChildProcessError", "OSError"),
            ("ConnectionError", "OSError"),
            ("BrokenPipeError", "ConnectionError"),
            ("ConnectionAbortedError", "ConnectionError"),
            ("ConnectionRefusedError", "ConnectionError"),
            ("ConnectionResetError", "ConnectionError"),
            ("FileExistsError", "OSError"),
            ("FileNotFoundError", "OSError"),
            ("InterruptedError", "OSError"),
            ("IsADirectoryError", "OSError"),
            ("NotADirectoryError", "OSError"),
            ("PermissionError", "OSError"),
            ("ProcessLookupError", "OSError"),
            ("TimeoutError", "OSError"),
            ("ReferenceError", "Exception"),
            ("RuntimeError", "Exception"),
            ("NotImplementedError", "RuntimeError"),
            ("RecursionError", "RuntimeError"),
            ("StopAsyncIteration", "Exception"),
            ("StopIteration", "Exception"),
            ("SyntaxError", "Exception"),
            ("IndentationError", "SyntaxError"),
            ("TabError", "IndentationError"),
            ("SystemError", "Exception"),
            ("TypeError", "Exception"),
            ("ValueError", "Exception"),
            ("UnicodeError", "ValueError"),
            ("UnicodeDecodeError", "UnicodeError"),
            ("UnicodeEncodeError", "UnicodeError"),
            ("UnicodeTranslateError", "UnicodeError"),
            ("Warning", "Exception"),
            ("UserWarning", "Warning"),
            ("DeprecationWarning", "Warning"),
            ("RuntimeWarning", "Warning"),
        ];
        for (name, base) in HIERARCHY {
            let b = excs[base].clone();
            let c = new_class(
                name,
                "builtins",
                vec![b],
                ClassKind::Exception,
                None,
                &[],
                false,
            );
            excs.insert(name, c);
            exc_order.push(name);
        }
        // OSError's own __init__ sets errno/strerror.
        excs["OSError"].dict.borrow_mut().insert(
            Rc::from("__init__"),
            native("__init__", "OSError", object::oserror_init),
        );
        excs["OSError"].dict.borrow_mut().insert(
            Rc::from("__str__"),
            native("__str__", "OSError", object::exception_str),
        );
        Types {
            object,
            type_,
            int,
            bool_,
            float,
            str_,
            bytes: bytes_,
            bytearray,
            list: list_,
            tuple,
            dict: dict_,
            set: set_,
            frozenset,
            range,
            slice,
            none,
            function,
            builtin_function,
            method,
            module,
            generator,
            iterator,
            ellipsis,
            not_implemented,
            property,
            staticmethod,
            classmethod,
            super_,
            base_exception,
            excs,
            exc_order,
        }
    }

    /// A builtin exception class by name.
    pub fn exc(&self, name: &str) -> Option<Rc<Class>> {
        self.excs.get(name).cloned()
    }

    /// All builtin exception classes in hierarchy order.
    pub fn exceptions(&self) -> Vec<(&'static str, Rc<Class>)> {
        self.exc_order
            .iter()
            .map(|n| (*n, self.excs[n].clone()))
            .collect()
    }

    /// The builtin classes exposed as builtins names (`int`, `str`, ...).
    pub fn named(&self) -> Vec<(&'static str, Rc<Class>)> {
        vec![
            ("object", self.object.clone()),
            ("type", self.type_.clone()),
            ("int", self.int.clone()),
            ("bool", self.bool_.clone()),
            ("float", self.float.clone()),
            ("str", self.str_.clone()),
            ("bytes", self.bytes.clone()),
            ("bytearray", self.bytearray.clone()),
            ("list", self.list.clone()),
            ("tuple", self.tuple.clone()),
            ("dict", self.dict.clone()),
            ("set", self.set.clone()),
            ("frozenset", self.frozenset.clone()),
            ("range", self.range.clone()),
            ("slice", self.slice.clone()),
            ("property", self.property.clone()),
            ("staticmethod", self.staticmethod.clone()),
            ("classmethod", self.classmethod.clone()),
            ("super", self.super_.clone()),
        ]
    }

    /// The class of any value.
    pub fn class_of(&self, v: &Value) -> Rc<Class> {
        match v {
            Value::Instance(i) => i.class.clone(),
            Value::None => self.none.clone(),
            Value::Bool(_) => self.bool_.clone(),
            Value::Int(_) | Value::Long(_) => self.int.clone(),
            Value::Float(_) => self.float.clone(),
            Value::Str(_) => self.str_.clone(),
            Value::Bytes(_) => self.bytes.clone(),
            Value::ByteArray(_) => self.bytearray.clone(),
            Value::List(_) => self.list.clone(),
            Value::Tuple(_) => self.tuple.clone(),
            Value::Dict(_) => self.dict.clone(),
            Value::Set(_) => self.set.clone(),
            Value::FrozenSet(_) => self.frozenset.clone(),
            Value::Range(_) => self.range.clone(),
            Value::Slice(_) => self.slice.clone(),
            Value::Function(_) => self.function.clone(),
            Value::Native(_) => self.builtin_function.clone(),
            Value::BoundMethod(b) => match b.func {
                Value::Native(_) => self.builtin_function.clone(),
                _ => self.method.clone(),
            },
            Value::Class(_) => self.type_.clone(),
            Value::Module(_) => self.module.clone(),
            Value::Iterator(_) => self.iterator.clone(),
            Value::Generator(_) => self.generator.clone(),
            Value::Ellipsis => self.ellipsis.clone(),
            Value::NotImplemented => self.not_implemented.clone(),
        }
    }
}
