//! The resumable VM: frames, green threads, the scheduler and the instruction loop.
//!
//! Each green thread owns an explicit stack of [`Frame`]s, so a Python call never
//! recurses on the Rust stack and a thread can be suspended between any two
//! instructions: when a native asks to block (`Vm::block`), the thread's frames are
//! parked, the op goes to `Host::submit`, and the thread resumes when
//! `Interpreter::complete` delivers the reply. See lang/ARCHITECTURE.md.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

use crate::builtins::Args;
use crate::code::{Code, CodeKind, GlobalCache, Instr, SpanInfo};
use crate::exc::{new_exc, runtime_error, type_error, PyErr, PyResult};
use crate::host::{Host, Location, Op, OpId, Reply, Stream};
use crate::value::{CellRef, Dict, Function, Generator, Globals, IterState, Key, Value};

/// Interpreter limits (see the public API in lib.rs).
#[derive(Clone, Debug)]
pub struct Limits {
    /// Python frames before RecursionError; default 1000.
    pub max_depth: usize,
    /// Total operations before the script is stopped with an error; default None.
    pub budget: Option<u64>,
    /// Operations per `run` call before returning `Status::Yielded`; default 20_000.
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

/// Instructions a green thread runs before the scheduler lets another one run.
const QUANTUM: u32 = 2_000;
/// How often (in instructions) the loop takes its slow path (budget, slice, switching).
const TICK: u32 = 256;
/// Nested native→Python calls allowed before RecursionError (they use the Rust stack).
const MAX_NESTED: u32 = 48;

/// What a frame's return value turns into in its caller.
pub enum FrameKind {
    Normal,
    /// A class call running `__init__`: the caller gets the instance.
    Init(Value),
    /// A class body: the caller gets the class built from the namespace.
    ClassBody {
        name: Rc<str>,
        bases: Vec<Value>,
    },
    /// A generator's frame, resumed by `next()`/`send()`/a `for` loop.
    Generator(Rc<Generator>),
    /// A module body being imported: the caller gets the module.
    Module(Value),
}

/// An exception handler on a frame's block stack.
#[derive(Clone, Copy, Debug)]
pub struct Block {
    pub handler: u32,
    pub stack_len: u32,
    pub exc_depth: u32,
}

/// One activation of a code object.
pub struct Frame {
    pub code: Rc<Code>,
    pub pc: usize,
    pub stack: Vec<Value>,
    pub locals: Vec<Option<Value>>,
    pub cells: Vec<CellRef>,
    pub globals: Globals,
    /// The namespace of a class body.
    pub ns: Option<Rc<RefCell<Dict>>>,
    pub blocks: Vec<Block>,
    pub func: Option<Rc<Function>>,
    pub kind: FrameKind,
    /// The thread's handled-exception depth when this frame started.
    pub exc_depth: usize,
}

impl Frame {
    pub fn new(code: Rc<Code>, globals: Globals, func: Option<Rc<Function>>) -> Box<Frame> {
        let nlocals = code.varnames.len();
        Box::new(Frame {
            code,
            pc: 0,
            stack: Vec::with_capacity(8),
            locals: vec![None; nlocals],
            cells: Vec::new(),
            globals,
            ns: None,
            blocks: Vec::new(),
            func,
            kind: FrameKind::Normal,
            exc_depth: 0,
        })
    }
    /// The span of the instruction being executed (the one before `pc`).
    pub fn current_span(&self) -> SpanInfo {
        let i = self.pc.saturating_sub(1);
        self.code.spans.get(i).copied().unwrap_or_default()
    }
    pub fn current_line(&self) -> u32 {
        self.current_span().line
    }
}

/// Called with the host's reply to turn it into the blocked call's result.
pub type Completion = Box<dyn FnOnce(&mut Vm, Reply) -> PyResult<Value>>;

/// Polled by the scheduler: `Some(result)` resumes the waiting thread.
pub type Poll = Box<dyn FnMut(&mut Vm) -> Option<PyResult<Value>>>;
/// The result of a wait whose timeout expired.
pub type OnTimeout = Box<dyn FnOnce(&mut Vm) -> PyResult<Value>>;

/// A thread-sync wait: polled by the scheduler until it yields a result.
pub struct Waiter {
    pub poll: Poll,
    /// Result when the timeout expires first.
    pub on_timeout: Option<OnTimeout>,
    pub timeout_op: Option<OpId>,
    pub timed_out: bool,
}

/// What a native asked the VM to do after it returns.
pub enum Pending {
    Block {
        op: Op,
        then: Completion,
    },
    Wait {
        waiter: Waiter,
        timeout: Option<f64>,
    },
    /// Hand a call over to Python as the native's result.
    TailCall(Value, Args),
    /// Resume a generator (its next value becomes the call's result).
    ResumeGen(Rc<Generator>, Value),
    /// Let other threads run (`time.sleep(0)`); the call's result is None.
    YieldThread,
    /// The scheduler takes the CPU between two instructions.
    Preempt,
}

/// Where a green thread stands.
pub enum ThreadState {
    /// Ready; `Some` = deliver this result to the call it was suspended in.
    Runnable(Option<PyResult<Value>>),
    WaitOp {
        id: OpId,
        then: Completion,
    },
    Replied {
        then: Completion,
        reply: Reply,
    },
    WaitCond(Waiter),
    Done,
}

pub struct GreenThread {
    pub id: u32,
    pub frames: Vec<Box<Frame>>,
    pub exc_stack: Vec<Value>,
    pub state: ThreadState,
    /// The `threading.Thread` object, if any.
    pub obj: Option<Value>,
    pub daemon: bool,
    /// Suspended between two instructions (not inside a call): an exception delivered
    /// now belongs to the next instruction.
    pub preempted: bool,
}

impl GreenThread {
    pub fn is_done(&self) -> bool {
        matches!(self.state, ThreadState::Done)
    }
}

/// The interpreter's persistent state (everything but the host).
pub struct Core {
    /// The running thread's frames (swapped with `GreenThread::frames` on a switch).
    pub frames: Vec<Box<Frame>>,
    pub exc_stack: Vec<Value>,
    pub threads: Vec<GreenThread>,
    pub cur: usize,
    pub pending: Option<Pending>,
    pub modules: HashMap<Rc<str>, Value>,
    pub builtins: Globals,
    pub filename: Rc<str>,
    pub sources: HashMap<Rc<str>, Rc<Vec<String>>>,
    pub argv: Vec<String>,
    pub limits: Limits,
    pub ticks: u32,
    pub quantum_left: u32,
    pub slice_left: u64,
    pub ops_total: u64,
    pub next_op: OpId,
    pub stepping: bool,
    /// The (thread, pc) we paused at, so resuming does not pause again.
    pub paused_at: Option<(u32, usize, usize)>,
    pub pause_line: Option<u32>,
    pub interrupt: bool,
    pub nested: u32,
    pub next_thread_id: u32,
    pub thread_counter: u32,
    pub exited: Option<i32>,
    /// The main thread's exit code once it is done (the process exits when the
    /// non-daemon threads are done too).
    pub main_code: Option<i32>,
    pub error: Option<(u32, String)>,
    pub yield_now: bool,
    pub budget_hit: bool,
    pub startup_error: Option<String>,
    /// Ids of containers being repr'd (for `[...]` on cycles).
    pub repr_guard: Vec<usize>,
    /// Finished frames kept for reuse (their vectors keep their capacity).
    pub frame_pool: Vec<Box<Frame>>,
}

/// The VM as natives see it: the state plus the host for this `run`.
pub struct Vm<'h> {
    pub core: &'h mut Core,
    pub host: &'h mut dyn Host,
}

impl Deref for Vm<'_> {
    type Target = Core;
    fn deref(&self) -> &Core {
        self.core
    }
}
impl DerefMut for Vm<'_> {
    fn deref_mut(&mut self) -> &mut Core {
        self.core
    }
}

/// How a run of `execute` ended.
pub enum Outcome {
    Return(Value),
    Yield(Value),
    Raise(PyErr),
    Suspend,
}

/// What the instruction loop does next.
pub enum Flow {
    Next,
    Push(Value),
    Call(Box<Frame>),
    Return(Value),
    Yield(Value),
    /// Raise; `true` = re-raise (no new traceback entry for this frame).
    Raise(PyErr, bool),
    Suspend,
}

macro_rules! tri {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return Flow::Raise(e, false),
        }
    };
}
pub(crate) use tri;

impl Core {
    pub fn new(filename: &str, argv: Vec<String>, limits: Limits) -> Core {
        Core {
            frames: Vec::new(),
            exc_stack: Vec::new(),
            threads: Vec::new(),
            cur: 0,
            pending: None,
            modules: HashMap::new(),
            builtins: Rc::new(RefCell::new(Dict::new())),
            filename: Rc::from(filename),
            sources: HashMap::new(),
            argv,
            limits,
            ticks: TICK,
            quantum_left: QUANTUM,
            slice_left: 0,
            ops_total: 0,
            next_op: 1,
            stepping: false,
            paused_at: None,
            pause_line: None,
            interrupt: false,
            nested: 0,
            next_thread_id: 1,
            thread_counter: 0,
            exited: None,
            main_code: None,
            error: None,
            yield_now: false,
            budget_hit: false,
            startup_error: None,
            repr_guard: Vec::new(),
            frame_pool: Vec::new(),
        }
    }

    /// The id of the running green thread.
    pub fn thread_id(&self) -> u32 {
        self.threads.get(self.cur).map(|t| t.id).unwrap_or(0)
    }

    /// Add a green thread that starts by running `frame`.
    pub fn spawn(&mut self, frame: Box<Frame>, obj: Option<Value>, daemon: bool) -> u32 {
        let id = if self.threads.is_empty() {
            0
        } else {
            let id = self.next_thread_id;
            self.next_thread_id += 1;
            id
        };
        self.threads.push(GreenThread {
            id,
            frames: vec![frame],
            exc_stack: Vec::new(),
            state: ThreadState::Runnable(None),
            obj,
            daemon,
            preempted: false,
        });
        id
    }

    /// Answer an op: the waiting thread becomes runnable.
    pub fn complete(&mut self, id: OpId, reply: Reply) {
        for t in &mut self.threads {
            match &mut t.state {
                ThreadState::WaitOp { id: wid, .. } if *wid == id => {
                    let st = std::mem::replace(&mut t.state, ThreadState::Done);
                    if let ThreadState::WaitOp { then, .. } = st {
                        t.state = ThreadState::Replied { then, reply };
                    }
                    return;
                }
                ThreadState::WaitCond(w) if w.timeout_op == Some(id) => {
                    w.timed_out = true;
                    return;
                }
                _ => {}
            }
        }
    }

    /// (thread, line) of every live green thread.
    pub fn locations(&self) -> Vec<Location> {
        let mut out = Vec::new();
        for (i, t) in self.threads.iter().enumerate() {
            if t.is_done() {
                continue;
            }
            let frames = if i == self.cur {
                &self.frames
            } else {
                &t.frames
            };
            if let Some(f) = frames.last() {
                out.push(Location {
                    thread: t.id,
                    line: f.current_line().max(f.code.line_at(f.pc)),
                });
            }
        }
        out
    }
}

impl<'h> Vm<'h> {
    // -----------------------------------------------------------------------------------
    // API for natives

    /// Suspend the calling green thread on a host operation; `then` turns the reply into
    /// the call's result. Return this from the native.
    pub fn block(
        &mut self,
        op: Op,
        then: impl FnOnce(&mut Vm, Reply) -> PyResult<Value> + 'static,
    ) -> PyResult<Value> {
        if self.nested > 0 {
            return Err(runtime_error(
                "socklab cannot block (socket, input, sleep, lock) inside a function called by a builtin (key=, __str__, __eq__...)",
            ));
        }
        self.pending = Some(Pending::Block {
            op,
            then: Box::new(then),
        });
        Ok(Value::None)
    }

    /// Suspend the calling thread until `poll` returns a result (or `timeout` seconds
    /// pass: then `on_timeout` gives the result).
    pub fn wait(
        &mut self,
        poll: impl FnMut(&mut Vm) -> Option<PyResult<Value>> + 'static,
        timeout: Option<f64>,
        on_timeout: impl FnOnce(&mut Vm) -> PyResult<Value> + 'static,
    ) -> PyResult<Value> {
        if self.nested > 0 {
            return Err(runtime_error(
                "socklab cannot wait for a thread or lock inside a function called by a builtin",
            ));
        }
        self.pending = Some(Pending::Wait {
            waiter: Waiter {
                poll: Box::new(poll),
                on_timeout: Some(Box::new(on_timeout)),
                timeout_op: None,
                timed_out: false,
            },
            timeout,
        });
        Ok(Value::None)
    }

    /// Let other green threads run before this one continues (result: None).
    pub fn yield_thread(&mut self) -> PyResult<Value> {
        if self.nested == 0 {
            self.pending = Some(Pending::YieldThread);
        }
        Ok(Value::None)
    }

    /// Make a Python call the native's result without nesting (return this).
    pub fn tail_call(&mut self, func: Value, args: Args) -> PyResult<Value> {
        self.pending = Some(Pending::TailCall(func, args));
        Ok(Value::None)
    }

    /// Resume a generator as the native's result (return this from `next()`).
    pub fn resume_generator(&mut self, gen: Rc<Generator>, sent: Value) -> PyResult<Value> {
        if self.nested > 0 {
            return self.gen_next_nested(&gen, sent);
        }
        self.pending = Some(Pending::ResumeGen(gen, sent));
        Ok(Value::None)
    }

    /// Call any callable from a native and wait for its result (a nested loop; see
    /// the module docs for the blocking restriction).
    pub fn call(&mut self, func: &Value, args: Vec<Value>) -> PyResult<Value> {
        self.call_args(func, Args::new(args))
    }

    pub fn call_args(&mut self, func: &Value, args: Args) -> PyResult<Value> {
        if self.nested >= MAX_NESTED {
            return Err(new_exc(
                "RecursionError",
                "maximum recursion depth exceeded",
            ));
        }
        self.nested += 1;
        let flow = self.call_flow(func.clone(), args);
        let r = self.finish_nested(flow);
        self.nested -= 1;
        r
    }

    fn finish_nested(&mut self, flow: Flow) -> PyResult<Value> {
        match flow {
            Flow::Push(v) | Flow::Return(v) => Ok(v),
            Flow::Raise(e, _) => Err(e),
            Flow::Call(frame) => {
                let base = self.frames.len();
                match self.execute(frame, base, Flow::Next) {
                    Outcome::Return(v) | Outcome::Yield(v) => Ok(v),
                    Outcome::Raise(e) => Err(e),
                    Outcome::Suspend => Err(runtime_error("cannot suspend in a nested call")),
                }
            }
            Flow::Next => Ok(Value::None),
            Flow::Yield(_) | Flow::Suspend => {
                self.pending = None;
                Err(runtime_error("cannot suspend in a nested call"))
            }
        }
    }

    /// Next value of a generator, driven from native code.
    pub fn gen_next_nested(&mut self, gen: &Rc<Generator>, sent: Value) -> PyResult<Value> {
        let frame = self.gen_take_frame(gen, sent)?;
        self.nested += 1;
        let base = self.frames.len();
        let r = self.execute(frame, base, Flow::Next);
        self.nested -= 1;
        match r {
            Outcome::Yield(v) => Ok(v),
            Outcome::Return(v) => Err(crate::exc::stop_iteration(if v.is_none() {
                None
            } else {
                Some(v)
            })),
            Outcome::Raise(e) => Err(e),
            Outcome::Suspend => Err(runtime_error("cannot suspend in a nested call")),
        }
    }

    /// Take a generator's frame to run it, with the sent value pushed.
    pub fn gen_take_frame(&mut self, gen: &Rc<Generator>, sent: Value) -> PyResult<Box<Frame>> {
        if gen.running.get() {
            return Err(new_exc("ValueError", "generator already executing"));
        }
        let mut frame = match gen.frame.borrow_mut().take() {
            Some(f) => f,
            None => return Err(crate::exc::stop_iteration(None)),
        };
        if frame.pc == 0 {
            if !sent.is_none() {
                *gen.frame.borrow_mut() = Some(frame);
                return Err(type_error(
                    "can't send non-None value to a just-started generator",
                ));
            }
        } else {
            frame.stack.push(sent);
        }
        gen.running.set(true);
        frame.kind = FrameKind::Generator(gen.clone());
        frame.exc_depth = self.exc_stack.len();
        Ok(frame)
    }

    /// Write text to the script's stdout/stderr.
    pub fn write(&mut self, stream: Stream, text: &str) {
        self.host.write(stream, text);
    }

    /// The current line of the running thread's innermost Python frame.
    pub fn current_location(&self) -> Location {
        let line = self.frames.last().map(|f| f.current_line()).unwrap_or(0);
        Location {
            thread: self.thread_id(),
            line,
        }
    }

    // -----------------------------------------------------------------------------------
    // the scheduler

    /// Run green threads until they all wait, the slice is used, a pause, or the end.
    pub fn run_slice(&mut self) -> crate::Status {
        use crate::Status;
        if let Some(text) = self.startup_error.take() {
            self.host.write(Stream::Stderr, &text);
            self.exited = Some(1);
        }
        if let Some(c) = self.exited {
            self.cancel_all_ops();
            return Status::Exited(c);
        }
        if self.interrupt {
            self.interrupt = false;
            self.deliver_interrupt();
        }
        self.slice_left = self.limits.slice as u64;
        loop {
            if let Some(c) = self.exited {
                self.cancel_all_ops();
                return Status::Exited(c);
            }
            self.poll_waiters();
            let Some(next) = self.pick_thread() else {
                if self.all_finished() {
                    let code = self.main_code.unwrap_or(0);
                    self.exited = Some(code);
                    self.cancel_all_ops();
                    return Status::Exited(code);
                }
                return Status::Waiting;
            };
            self.switch_to(next);
            self.run_current();
            if let Some(line) = self.pause_line.take() {
                return Status::Paused { line };
            }
            if self.exited.is_none() && self.slice_left == 0 {
                return Status::Yielded;
            }
        }
    }

    /// The script ended: ops that daemon threads still wait on are cancelled.
    fn cancel_all_ops(&mut self) {
        let mut ids = Vec::new();
        for t in &mut self.core.threads {
            match &t.state {
                ThreadState::WaitOp { id, .. } => ids.push(*id),
                ThreadState::WaitCond(w) => ids.extend(w.timeout_op),
                _ => continue,
            }
            t.state = ThreadState::Done;
        }
        for id in ids {
            self.host.cancel(id);
        }
    }

    fn all_finished(&self) -> bool {
        self.main_code.is_some() && self.threads.iter().all(|t| t.is_done() || t.daemon)
    }

    fn deliver_interrupt(&mut self) {
        let Some(main) = self.threads.iter().position(|t| t.id == 0) else {
            return;
        };
        if self.threads[main].is_done() {
            // The main thread already ended and waits for other threads: stop now.
            self.exited = Some(130);
            return;
        }
        let ki = new_exc_noargs("KeyboardInterrupt");
        let st = std::mem::replace(&mut self.threads[main].state, ThreadState::Done);
        match st {
            ThreadState::WaitOp { id, .. } => self.host.cancel(id),
            ThreadState::WaitCond(w) => {
                if let Some(id) = w.timeout_op {
                    self.host.cancel(id)
                }
            }
            _ => {}
        }
        self.threads[main].state = ThreadState::Runnable(Some(Err(ki)));
    }

    fn poll_waiters(&mut self) {
        for i in 0..self.threads.len() {
            if !matches!(self.threads[i].state, ThreadState::WaitCond(_)) {
                continue;
            }
            let st = std::mem::replace(&mut self.threads[i].state, ThreadState::Done);
            let ThreadState::WaitCond(mut w) = st else {
                continue;
            };
            // The poll runs "as" the waiting thread (current_thread() inside it).
            let saved = self.cur;
            self.cur = i;
            let r = (w.poll)(self);
            self.cur = saved;
            match r {
                Some(res) => {
                    if let Some(id) = w.timeout_op {
                        self.host.cancel(id);
                    }
                    self.threads[i].state = ThreadState::Runnable(Some(res));
                }
                None if w.timed_out => {
                    let res = match w.on_timeout.take() {
                        Some(f) => {
                            self.cur = i;
                            let r = f(self);
                            self.cur = saved;
                            r
                        }
                        None => Ok(Value::None),
                    };
                    self.threads[i].state = ThreadState::Runnable(Some(res));
                }
                None => self.threads[i].state = ThreadState::WaitCond(w),
            }
        }
    }

    /// Round robin: the next runnable thread after the current one (or the current one
    /// again unless it just used up its quantum).
    fn pick_thread(&mut self) -> Option<usize> {
        let n = self.threads.len();
        if n == 0 {
            return None;
        }
        let start = if self.yield_now {
            self.cur + 1
        } else {
            self.cur
        };
        self.yield_now = false;
        (0..n).map(|k| (start + k) % n).find(|&i| {
            matches!(
                self.threads[i].state,
                ThreadState::Runnable(_) | ThreadState::Replied { .. }
            )
        })
    }

    fn switch_to(&mut self, i: usize) {
        if i == self.cur && !self.threads[i].frames.is_empty() {
            // First run of thread 0 or a thread whose frames are stored: swap in.
        }
        if i != self.cur {
            let cur = self.cur;
            if cur < self.threads.len() {
                let frames = std::mem::take(&mut self.core.frames);
                let excs = std::mem::take(&mut self.core.exc_stack);
                self.threads[cur].frames = frames;
                self.threads[cur].exc_stack = excs;
            }
            self.cur = i;
        }
        if self.frames.is_empty() {
            self.core.frames = std::mem::take(&mut self.core.threads[i].frames);
            self.core.exc_stack = std::mem::take(&mut self.core.threads[i].exc_stack);
        }
        self.quantum_left = QUANTUM;
    }

    fn run_current(&mut self) {
        let i = self.cur;
        let st = std::mem::replace(&mut self.threads[i].state, ThreadState::Runnable(None));
        let Some(mut frame) = self.frames.pop() else {
            self.threads[i].state = ThreadState::Done;
            return;
        };
        let preempted = std::mem::replace(&mut self.threads[i].preempted, false);
        if preempted
            && matches!(st, ThreadState::Runnable(Some(Err(_))))
            && frame.pc < frame.code.instrs.len()
        {
            frame.pc += 1;
        }
        let first = match st {
            ThreadState::Runnable(None) => Flow::Next,
            ThreadState::Runnable(Some(Ok(v))) => Flow::Push(v),
            ThreadState::Runnable(Some(Err(e))) => Flow::Raise(e, false),
            ThreadState::Replied { then, reply } => {
                let r = then(self, reply);
                self.native_done(r)
            }
            other => {
                // Not runnable after all: put everything back.
                self.frames.push(frame);
                self.threads[i].state = other;
                return;
            }
        };
        let outcome = self.execute(frame, 0, first);
        match outcome {
            Outcome::Suspend => {}
            Outcome::Return(_) | Outcome::Yield(_) => self.thread_finished(None),
            Outcome::Raise(e) => self.thread_finished(Some(e)),
        }
    }

    fn thread_finished(&mut self, err: Option<PyErr>) {
        let i = self.cur;
        self.threads[i].state = ThreadState::Done;
        self.frames.clear();
        self.exc_stack.clear();
        let is_main = self.threads[i].id == 0;
        let code = match err {
            None => 0,
            Some(e) => {
                if self.budget_hit {
                    self.report_uncaught(&e);
                    self.exited = Some(1);
                    return;
                }
                if e.is("SystemExit") {
                    self.system_exit_code(&e)
                } else if is_main {
                    self.report_uncaught(&e);
                    if e.is("KeyboardInterrupt") {
                        130
                    } else {
                        1
                    }
                } else {
                    self.report_thread_exception(&e);
                    0
                }
            }
        };
        if is_main {
            self.main_code = Some(code);
        }
    }

    fn system_exit_code(&mut self, e: &PyErr) -> i32 {
        let args = e.data().args.clone();
        match args.first() {
            None | Some(Value::None) => 0,
            Some(Value::Int(i)) => *i as i32,
            Some(Value::Bool(b)) => *b as i32,
            Some(other) => {
                let s = self.str(other).unwrap_or_default();
                self.host.write(Stream::Stderr, &format!("{s}\n"));
                1
            }
        }
    }

    /// Print an uncaught exception in CPython's format and remember it for `error()`.
    pub fn report_uncaught(&mut self, e: &PyErr) {
        let text = self.format_exception(e);
        self.host.write(Stream::Stderr, &text);
        let line = e
            .data()
            .traceback
            .iter()
            .find(|t| !t.hidden && *t.filename == *self.filename)
            .map(|t| t.line)
            .unwrap_or(0);
        let last = text.lines().last().unwrap_or("").to_string();
        self.error = Some((line, last));
    }

    fn report_thread_exception(&mut self, e: &PyErr) {
        let name = self.threads[self.cur]
            .obj
            .clone()
            .and_then(|o| self.getattr(&o, "name").ok())
            .map(|n| self.str(&n).unwrap_or_default())
            .unwrap_or_else(|| format!("Thread-{}", self.threads[self.cur].id));
        let text = self.format_exception(e);
        self.host.write(
            Stream::Stderr,
            &format!("Exception in thread {name}:\n{text}"),
        );
    }

    // -----------------------------------------------------------------------------------
    // the instruction loop

    /// Run `frame` (with the frames below `base` untouched) until it returns, yields at
    /// `base`, raises out of `base`, or the thread suspends.
    pub fn execute(&mut self, mut frame: Box<Frame>, base: usize, first: Flow) -> Outcome {
        let mut flow = first;
        loop {
            // Apply the previous step's flow.
            match flow {
                Flow::Next => {}
                Flow::Push(v) => frame.stack.push(v),
                Flow::Call(new) => {
                    if self.frames.len() + 1 >= self.limits.max_depth {
                        flow = Flow::Raise(
                            new_exc("RecursionError", "maximum recursion depth exceeded"),
                            false,
                        );
                        if let FrameKind::Generator(g) = &new.kind {
                            g.running.set(false);
                        }
                        continue;
                    }
                    let caller = std::mem::replace(&mut frame, new);
                    self.frames.push(caller);
                }
                Flow::Return(v) => {
                    let kind = std::mem::replace(&mut frame.kind, FrameKind::Normal);
                    let is_gen = matches!(kind, FrameKind::Generator(_));
                    let v = match self.frame_result(kind, &frame, v) {
                        Ok(v) => v,
                        Err(e) => {
                            flow = Flow::Raise(e, false);
                            continue;
                        }
                    };
                    self.exc_stack.truncate(frame.exc_depth);
                    if self.frames.len() <= base {
                        self.recycle(frame);
                        return Outcome::Return(v);
                    }
                    let caller = self.frames.pop().expect("caller frame");
                    let done = std::mem::replace(&mut frame, caller);
                    self.recycle(done);
                    if is_gen {
                        // The generator is exhausted: a `for` loop ends, `next()` raises.
                        let prev = frame.code.instrs.get(frame.pc.wrapping_sub(1)).copied();
                        if let Some(Instr::ForIter(target)) = prev {
                            frame.stack.pop();
                            frame.pc = target as usize;
                        } else {
                            flow = Flow::Raise(
                                crate::exc::stop_iteration(if v.is_none() {
                                    None
                                } else {
                                    Some(v)
                                }),
                                false,
                            );
                            continue;
                        }
                    } else {
                        frame.stack.push(v);
                    }
                }
                Flow::Yield(v) => {
                    let FrameKind::Generator(gen) = &frame.kind else {
                        flow = Flow::Raise(runtime_error("yield outside a generator"), false);
                        continue;
                    };
                    let gen = gen.clone();
                    gen.running.set(false);
                    self.exc_stack.truncate(frame.exc_depth);
                    if self.frames.len() <= base {
                        *gen.frame.borrow_mut() = Some(frame);
                        return Outcome::Yield(v);
                    }
                    let caller = self.frames.pop().expect("caller frame");
                    let g = std::mem::replace(&mut frame, caller);
                    *gen.frame.borrow_mut() = Some(g);
                    frame.stack.push(v);
                }
                Flow::Suspend => {
                    let p = self.pending.take();
                    let loc = Location {
                        thread: self.thread_id(),
                        line: frame.current_line(),
                    };
                    let cur = self.cur;
                    self.frames.push(frame);
                    match p {
                        Some(Pending::Block { op, then }) => {
                            let id = self.next_op;
                            self.next_op += 1;
                            self.threads[cur].state = ThreadState::WaitOp { id, then };
                            self.host.submit(id, op, loc);
                        }
                        Some(Pending::Wait {
                            mut waiter,
                            timeout,
                        }) => {
                            if let Some(t) = timeout {
                                let id = self.next_op;
                                self.next_op += 1;
                                waiter.timeout_op = Some(id);
                                self.host.submit(
                                    id,
                                    Op::Sleep {
                                        seconds: t.max(0.0),
                                    },
                                    loc,
                                );
                            }
                            self.threads[cur].state = ThreadState::WaitCond(waiter);
                        }
                        Some(Pending::YieldThread) => {
                            self.threads[cur].state = ThreadState::Runnable(Some(Ok(Value::None)));
                            self.yield_now = true;
                        }
                        Some(Pending::Preempt) | None => {
                            self.threads[cur].state = ThreadState::Runnable(None);
                            self.threads[cur].preempted = true;
                            self.yield_now = true;
                        }
                        Some(other) => {
                            // TailCall/ResumeGen are handled in native_done; unreachable.
                            self.pending = Some(other);
                        }
                    }
                    return Outcome::Suspend;
                }
                Flow::Raise(e, reraise) => match self.unwind(&mut frame, base, e, reraise) {
                    Ok(()) => {}
                    Err(e) => return Outcome::Raise(e),
                },
            }
            flow = Flow::Next;

            // The slow path: budget, slice, thread switch, interrupt, stepping.
            self.ticks -= 1;
            if self.ticks == 0 {
                self.ticks = TICK;
                if let Some(f) = self.slow_path(&mut frame) {
                    flow = f;
                    continue;
                }
            }
            if self.stepping && self.nested == 0 {
                if let Some(f) = self.step_check(&mut frame) {
                    flow = f;
                    continue;
                }
            }

            let instr = frame.code.instrs[frame.pc];
            frame.pc += 1;
            // Hot instructions inline; the rest in `step`.
            flow = match instr {
                Instr::LoadFast(i) => match &frame.locals[i as usize] {
                    Some(v) => {
                        frame.stack.push(v.clone());
                        continue;
                    }
                    None => Flow::Raise(unbound_local(&frame.code.varnames[i as usize]), false),
                },
                Instr::StoreFast(i) => {
                    let v = frame.stack.pop().expect("stack");
                    frame.locals[i as usize] = Some(v);
                    continue;
                }
                Instr::LoadConst(i) => {
                    frame.stack.push(frame.code.consts[i as usize].clone());
                    continue;
                }
                Instr::Pop => {
                    frame.stack.pop();
                    continue;
                }
                Instr::LoadGlobal(i) => {
                    let c = frame.code.gcache[i as usize].get();
                    let mut g = frame.globals.borrow_mut();
                    let gver = g.version();
                    if c.kind == 1 && c.globals_version == gver {
                        if let Some(v) = g.value_at(c.pos as usize) {
                            frame.stack.push(v);
                            continue;
                        }
                    }
                    let mut b = self.builtins.borrow_mut();
                    let bver = b.version();
                    if c.kind == 2 && c.globals_version == gver && c.builtins_version == bver {
                        if let Some(v) = b.value_at(c.pos as usize) {
                            frame.stack.push(v);
                            continue;
                        }
                    }
                    let key = Key::plain(frame.code.name_values[i as usize].clone());
                    let (found, entry) = match g.position(&key) {
                        Some(p) => (
                            g.value_at(p),
                            GlobalCache {
                                globals_version: gver,
                                builtins_version: bver,
                                pos: p as u32,
                                kind: 1,
                            },
                        ),
                        None => match b.position(&key) {
                            Some(p) => (
                                b.value_at(p),
                                GlobalCache {
                                    globals_version: gver,
                                    builtins_version: bver,
                                    pos: p as u32,
                                    kind: 2,
                                },
                            ),
                            None => (None, GlobalCache::default()),
                        },
                    };
                    drop(g);
                    drop(b);
                    match found {
                        Some(v) => {
                            frame.code.gcache[i as usize].set(entry);
                            frame.stack.push(v);
                            continue;
                        }
                        None => Flow::Raise(
                            self.name_error(&frame, &frame.code.names[i as usize]),
                            false,
                        ),
                    }
                }
                Instr::StoreGlobal(i) => {
                    let v = frame.stack.pop().expect("stack");
                    let key = Key::plain(frame.code.name_values[i as usize].clone());
                    frame.globals.borrow_mut().insert(key, v);
                    continue;
                }
                Instr::Jump(t) => {
                    frame.pc = t as usize;
                    continue;
                }
                Instr::PopJumpIfFalse(t) => {
                    let v = frame.stack.pop().expect("stack");
                    let b = match v {
                        Value::Bool(b) => b,
                        other => match self.truthy(&other) {
                            Ok(b) => b,
                            Err(e) => {
                                flow = Flow::Raise(e, false);
                                continue;
                            }
                        },
                    };
                    if !b {
                        frame.pc = t as usize;
                    }
                    continue;
                }
                Instr::PopJumpIfTrue(t) => {
                    let v = frame.stack.pop().expect("stack");
                    let b = match v {
                        Value::Bool(b) => b,
                        other => match self.truthy(&other) {
                            Ok(b) => b,
                            Err(e) => {
                                flow = Flow::Raise(e, false);
                                continue;
                            }
                        },
                    };
                    if b {
                        frame.pc = t as usize;
                    }
                    continue;
                }
                Instr::BinaryOp(op) | Instr::InplaceOp(op) => {
                    let b = frame.stack.pop().expect("stack");
                    let a = frame.stack.pop().expect("stack");
                    if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
                        if let Some(r) = crate::ops::int_fast(op, *x, *y) {
                            frame.stack.push(r);
                            continue;
                        }
                    }
                    let inplace = matches!(instr, Instr::InplaceOp(_));
                    match self.binary_op(op, a, b, inplace) {
                        Ok(v) => {
                            frame.stack.push(v);
                            continue;
                        }
                        Err(e) => Flow::Raise(e, false),
                    }
                }
                Instr::CompareOp(op) => {
                    let b = frame.stack.pop().expect("stack");
                    let a = frame.stack.pop().expect("stack");
                    if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
                        if let Some(r) = crate::ops::int_cmp_fast(op, *x, *y) {
                            frame.stack.push(Value::Bool(r));
                            continue;
                        }
                    }
                    match self.compare(op, &a, &b) {
                        Ok(v) => {
                            frame.stack.push(v);
                            continue;
                        }
                        Err(e) => Flow::Raise(e, false),
                    }
                }
                Instr::Call(n) => match self.fast_call(&mut frame, n as usize, false) {
                    Some(new) => Flow::Call(new),
                    None => self.step(&mut frame, instr),
                },
                Instr::CallMethod(n) => match self.fast_call(&mut frame, n as usize, true) {
                    Some(new) => Flow::Call(new),
                    None => self.step(&mut frame, instr),
                },
                Instr::ReturnValue => {
                    let v = frame.stack.pop().unwrap_or(Value::None);
                    Flow::Return(v)
                }
                Instr::ForIter(t) => {
                    let top = frame.stack.last().expect("iterator");
                    if let Value::Iterator(it) = top {
                        let mut st = it.borrow_mut();
                        match &mut *st {
                            IterState::Range { next, stop, step } => {
                                let n = *next;
                                if (*step > 0 && n < *stop) || (*step < 0 && n > *stop) {
                                    *next = n.wrapping_add(*step);
                                    drop(st);
                                    frame.stack.push(Value::Int(n));
                                } else {
                                    drop(st);
                                    frame.stack.pop();
                                    frame.pc = t as usize;
                                }
                                continue;
                            }
                            IterState::Seq {
                                seq: Value::List(l),
                                pos,
                            } => {
                                let item = l.borrow().get(*pos).cloned();
                                match item {
                                    Some(v) => {
                                        *pos += 1;
                                        drop(st);
                                        frame.stack.push(v);
                                    }
                                    None => {
                                        drop(st);
                                        frame.stack.pop();
                                        frame.pc = t as usize;
                                    }
                                }
                                continue;
                            }
                            _ => {}
                        }
                    }
                    self.for_iter(&mut frame, t)
                }
                _ => self.step(&mut frame, instr),
            };
        }
    }

    /// Budget, slice, quantum, interrupt. Returns a flow to apply instead of the next
    /// instruction.
    fn slow_path(&mut self, frame: &mut Frame) -> Option<Flow> {
        self.ops_total += TICK as u64;
        if self.exited.is_some() {
            return Some(self.preempt(frame));
        }
        if let Some(b) = self.limits.budget {
            if self.ops_total > b && !self.budget_hit {
                // Not a Python exception: `except Exception` must not be able to catch it.
                self.budget_hit = true;
                let e = new_exc(
                    "RuntimeError",
                    format!("socklab stopped the script: it used its budget of {b} operations"),
                );
                let here = frame
                    .code
                    .spans
                    .get(frame.pc)
                    .copied()
                    .unwrap_or_else(|| frame.current_span());
                e.add_tb(
                    &frame.code.filename,
                    &frame.code.name,
                    here,
                    frame.code.hidden,
                );
                for f in self.frames.iter().rev() {
                    e.add_tb(
                        &f.code.filename,
                        &f.code.name,
                        f.current_span(),
                        f.code.hidden,
                    );
                }
                self.report_uncaught(&e);
                self.exited = Some(1);
                self.slice_left = 0;
                return Some(self.preempt(frame));
            }
        }
        if self.nested > 0 {
            return None;
        }
        self.slice_left = self.slice_left.saturating_sub(TICK as u64);
        self.quantum_left = self.quantum_left.saturating_sub(TICK);
        if self.slice_left == 0 {
            self.yield_now = false;
            return Some(self.preempt(frame));
        }
        if self.quantum_left == 0 {
            self.quantum_left = QUANTUM;
            let others = self.threads.iter().enumerate().any(|(i, t)| {
                i != self.cur
                    && matches!(
                        t.state,
                        ThreadState::Runnable(_) | ThreadState::Replied { .. }
                    )
            });
            if others {
                self.yield_now = true;
                return Some(self.preempt(frame));
            }
        }
        None
    }

    /// Suspend the running thread as runnable (it continues at the same instruction).
    fn preempt(&mut self, _frame: &mut Frame) -> Flow {
        self.pending = Some(Pending::Preempt);
        Flow::Suspend
    }

    fn step_check(&mut self, frame: &mut Frame) -> Option<Flow> {
        let pc = frame.pc;
        if !frame.code.hidden && is_line_start(&frame.code, pc) {
            let key = (self.thread_id(), pc, Rc::as_ptr(&frame.code) as usize);
            if self.paused_at == Some(key) {
                self.paused_at = None;
                return None;
            }
            self.paused_at = Some(key);
            self.pause_line = Some(frame.code.line_at(pc));
            self.slice_left = 0;
            let y = self.yield_now;
            let f = self.preempt(frame);
            self.yield_now = y;
            return Some(f);
        }
        None
    }

    /// Find a handler for `e` in `frame` or its callers (down to `base`). On success the
    /// frame to continue with is in `frame`; otherwise the exception leaves `base`.
    fn unwind(
        &mut self,
        frame: &mut Box<Frame>,
        base: usize,
        e: PyErr,
        reraise: bool,
    ) -> Result<(), PyErr> {
        // A fresh exception: chain it to the one being handled.
        if !reraise && e.data().traceback.is_empty() {
            if let Some(ctx) = self.exc_stack.last() {
                if !ctx.is(&e.value()) && e.data().context.is_none() {
                    let ctx = ctx.clone();
                    e.data().context = Some(ctx);
                }
            }
        }
        let mut add_entry = !reraise;
        let is_stop = e.is("StopIteration");
        loop {
            if is_stop {
                // A `for` loop's iterator (a `__next__` method) is exhausted.
                if let Some(Instr::ForIter(t)) =
                    frame.code.instrs.get(frame.pc.wrapping_sub(1)).copied()
                {
                    frame.stack.pop();
                    frame.pc = t as usize;
                    return Ok(());
                }
            }
            if add_entry {
                e.add_tb(
                    &frame.code.filename,
                    &frame.code.name,
                    frame.current_span(),
                    frame.code.hidden,
                );
            }
            add_entry = true;
            if let Some(b) = frame.blocks.pop() {
                frame.stack.truncate(b.stack_len as usize);
                self.exc_stack.truncate(b.exc_depth as usize);
                self.exc_stack.push(e.value());
                frame.stack.push(e.value());
                frame.pc = b.handler as usize;
                return Ok(());
            }
            self.exc_stack.truncate(frame.exc_depth);
            if let FrameKind::Generator(g) = &frame.kind {
                g.running.set(false);
                g.finished.set(true);
            }
            if self.frames.len() <= base {
                return Err(e);
            }
            let caller = self.frames.pop().expect("caller");
            let done = std::mem::replace(frame, caller);
            self.recycle(done);
        }
    }

    /// Turn a returning frame's value into what its caller receives.
    fn frame_result(&mut self, kind: FrameKind, frame: &Frame, v: Value) -> PyResult<Value> {
        match kind {
            FrameKind::Normal => Ok(v),
            FrameKind::Init(inst) => {
                if v.is_none() {
                    Ok(inst)
                } else {
                    Err(type_error(format!(
                        "__init__() should return None, not '{}'",
                        v.type_name()
                    )))
                }
            }
            FrameKind::ClassBody { name, bases } => {
                let ns = frame.ns.clone().unwrap_or_default();
                let module = frame
                    .globals
                    .borrow()
                    .get_str("__name__")
                    .and_then(|v| v.as_str().map(Rc::from))
                    .unwrap_or_else(|| Rc::from("__main__"));
                crate::call::build_class(name, bases, ns, module)
            }
            FrameKind::Generator(g) => {
                g.running.set(false);
                g.finished.set(true);
                Ok(v)
            }
            FrameKind::Module(m) => Ok(m),
        }
    }

    /// The result of a native call: a value, an exception, or a pending request.
    pub fn native_done(&mut self, r: PyResult<Value>) -> Flow {
        match r {
            Err(e) => {
                self.pending = None;
                Flow::Raise(e, false)
            }
            Ok(v) => match self.pending.take() {
                None => Flow::Push(v),
                Some(Pending::TailCall(f, args)) => self.call_flow(f, args),
                Some(Pending::ResumeGen(g, sent)) => match self.gen_take_frame(&g, sent) {
                    Ok(f) => Flow::Call(f),
                    Err(e) => Flow::Raise(e, false),
                },
                Some(p) => {
                    if self.nested > 0 {
                        return Flow::Raise(
                            runtime_error(
                                "socklab cannot block inside a function called by a builtin",
                            ),
                            false,
                        );
                    }
                    self.pending = Some(p);
                    Flow::Suspend
                }
            },
        }
    }

    fn for_iter(&mut self, frame: &mut Frame, target: u32) -> Flow {
        let it = frame.stack.last().cloned().expect("iterator");
        if let Value::Instance(i) = &it {
            // A Python or native `__next__` runs as an ordinary call, so it may block
            // (a socket file's lines); StopIteration ends the loop in `unwind`.
            if let Some(m) = i.class.lookup("__next__") {
                return self.call_flow(m, Args::new(vec![it.clone()]));
            }
        }
        if let Value::Generator(g) = &it {
            return match self.gen_take_frame(g, Value::None) {
                Ok(f) => Flow::Call(f),
                Err(e) if e.is("StopIteration") => {
                    frame.stack.pop();
                    frame.pc = target as usize;
                    Flow::Next
                }
                Err(e) => Flow::Raise(e, false),
            };
        }
        match self.next_value(&it) {
            Ok(Some(v)) => Flow::Push(v),
            Ok(None) => {
                frame.stack.pop();
                frame.pc = target as usize;
                Flow::Next
            }
            Err(e) => Flow::Raise(e, false),
        }
    }

    /// The common call of a plain Python function with exactly its positional
    /// arguments: the frame is built straight from the caller's stack, no `Args`.
    fn fast_call(&mut self, frame: &mut Frame, n: usize, method: bool) -> Option<Box<Frame>> {
        let len = frame.stack.len();
        let fpos = len - n - 1 - method as usize;
        let Value::Function(f) = &frame.stack[fpos] else {
            return None;
        };
        let code = &f.code;
        let has_recv = method && !matches!(frame.stack[fpos + 1], Value::NotImplemented);
        let nargs = n + has_recv as usize;
        if code.argcount as usize != nargs
            || code.kwonlycount != 0
            || code.has_varargs
            || code.has_varkw
            || code.is_generator
            || !code.cellvars.is_empty()
            || !code.freevars.is_empty()
        {
            return None;
        }
        let f = f.clone();
        let mut new = self.alloc_frame(f.code.clone(), f.globals.clone(), Some(f));
        let first = if method && !has_recv {
            fpos + 2
        } else {
            fpos + 1
        };
        for (slot, v) in new.locals.iter_mut().zip(frame.stack.drain(first..)) {
            *slot = Some(v);
        }
        frame.stack.truncate(fpos);
        new.exc_depth = self.exc_stack.len();
        Some(new)
    }

    /// Keep a finished frame's allocations for the next call.
    fn recycle(&mut self, mut f: Box<Frame>) {
        if self.frame_pool.len() < 64 && f.stack.capacity() <= 64 {
            f.stack.clear();
            f.locals.clear();
            f.cells.clear();
            f.blocks.clear();
            f.ns = None;
            f.func = None;
            f.kind = FrameKind::Normal;
            self.frame_pool.push(f);
        }
    }

    /// A frame for `code`, reusing a recycled allocation when there is one.
    pub fn alloc_frame(
        &mut self,
        code: Rc<Code>,
        globals: Globals,
        func: Option<Rc<Function>>,
    ) -> Box<Frame> {
        match self.frame_pool.pop() {
            Some(mut f) => {
                f.locals.resize(code.varnames.len(), None);
                f.code = code;
                f.pc = 0;
                f.globals = globals;
                f.func = func;
                f.exc_depth = 0;
                f
            }
            None => Frame::new(code, globals, func),
        }
    }

    /// Look a name up in globals then builtins.
    pub fn load_global(&self, globals: &Globals, key: &Key) -> Option<Value> {
        if let Some(v) = globals.borrow().get(key) {
            return Some(v);
        }
        self.builtins.borrow().get(key)
    }

    /// Compile-and-run a module's code as an import (used by the module system).
    pub fn module_frame(&mut self, code: Rc<Code>, module: Value, globals: Globals) -> Box<Frame> {
        let mut f = Frame::new(code, globals, None);
        f.kind = FrameKind::Module(module);
        f.exc_depth = self.exc_stack.len();
        f
    }

    /// Run a module's code to completion from a native (imports of Python-written
    /// library modules).
    pub fn run_module_nested(
        &mut self,
        code: Rc<Code>,
        module: Value,
        globals: Globals,
    ) -> PyResult<Value> {
        let f = self.module_frame(code, module, globals);
        self.nested += 1;
        let r = self.finish_nested(Flow::Call(f));
        self.nested -= 1;
        r
    }
}

fn is_line_start(code: &Code, pc: usize) -> bool {
    let line = code.line_at(pc);
    if pc == 0 {
        return true;
    }
    // A new line, or a backward jump target (a loop back to the same line).
    code.line_at(pc - 1) != line
}

pub fn unbound_local(name: &str) -> PyErr {
    new_exc(
        "UnboundLocalError",
        format!("cannot access local variable '{name}' where it is not associated with a value"),
    )
}

pub fn new_exc_noargs(name: &str) -> PyErr {
    crate::exc::new_exc_noargs(name)
}

impl CodeKind {
    pub fn uses_names(self) -> bool {
        matches!(self, CodeKind::Class)
    }
}
