//! The page's state and its one update function: every UI event, timer and network
//! completion arrives as a [`Msg`] and is handled in [`App::update`].
//!
//! Scripts run as "procs": an interpreter, its pending ops and its input queue. A proc
//! runs one slice at a time and yields to the browser between slices, so a busy script
//! never freezes the tab.

use socklab_lang::host::{
    Host, Location, Op, OpId, OsError, Reply, SocketCall, SocketHandle, Stream,
};
use socklab_lessons::{Lesson, RunKind};
use std::collections::{HashMap, VecDeque};
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlAnchorElement, HtmlInputElement, KeyboardEvent};

use crate::dom::{append, el, html, labelled, set_attr, window, Dispatch, Listener};
use crate::editor::Editor;
use crate::i18n::{tr, Lang};
use crate::net::{Net, NetEvent, NetOutput};
use crate::share::{self, HashRequest, Script};
use crate::wire::{Arrival, Drawn, Kind, Lane, ProcId, WireLog};
use crate::wire_view::WireView;
use socklab_lang::{Interpreter, Limits, Status};

pub type PaneId = u32;

const STORAGE_KEY: &str = "socklab.work";

/// Everything that can happen on the page.
pub enum Msg {
    OpenLesson(String),
    ToggleLibrary,
    RunAll,
    StopAll,
    Share,
    SwitchLang,
    AddPane,
    RemovePane(PaneId),
    RenamePane(PaneId),
    Edited(PaneId),
    EditorKey(PaneId, KeyboardEvent),
    Run(PaneId),
    Stop(PaneId),
    Step(PaneId),
    Sample(PaneId),
    InputKey(PaneId, KeyboardEvent),
    Tick(ProcId),
    Completed(ProcId, OpId, Reply),
    /// The relay connection reported something (a frame, open/close, a timer).
    Net(NetEvent),
    SelectWire(Event),
    WireEncoding,
    ClearWire,
    HashChanged,
}

struct Pane {
    id: PaneId,
    root: Element,
    name: HtmlInputElement,
    editor: Editor,
    state: Element,
    blocked: Element,
    link: HtmlAnchorElement,
    out: Element,
    input: HtmlInputElement,
    /// The lesson's sample input for this script.
    sample: String,
    _listeners: Vec<Listener>,
}

struct Proc {
    id: ProcId,
    pane: PaneId,
    /// Lane name: the file name, `#2` for a second copy.
    label: String,
    interp: Interpreter,
    stdin: VecDeque<String>,
    pending: HashMap<OpId, (Op, Location)>,
    waiting_input: Option<OpId>,
    tick_scheduled: bool,
    stop_requested: bool,
    paused: Option<u32>,
}

/// "Run all": the lesson's runs, and where we are in them.
struct Scenario {
    lesson: &'static Lesson,
    next: usize,
    /// The proc whose listen/bind starts the next step.
    wait_ready: Option<(ProcId, bool)>,
}

pub struct App {
    dispatch: Dispatch,
    lang: Lang,
    net: Box<dyn Net>,
    panes: Vec<Pane>,
    next_pane: PaneId,
    procs: Vec<Proc>,
    next_proc: ProcId,
    lesson: Option<&'static Lesson>,
    scenario: Option<Scenario>,
    wire: WireLog,
    view: WireView,
    files: HashMap<String, Vec<u8>>,
    panes_box: Element,
    add_button: Element,
    library: Element,
    lesson_title: Element,
    lesson_teaches: Element,
    relay_status: Element,
    relay_key: &'static str,
    _listeners: Vec<Listener>,
}

/// The interpreter's view of the page during one slice: output and ops are collected and
/// handled by the app after `run` returns (the interpreter is borrowed until then).
struct SliceHost<'a> {
    out: Vec<(Stream, String)>,
    ops: Vec<(OpId, Op, Location)>,
    cancels: Vec<OpId>,
    files: &'a mut HashMap<String, Vec<u8>>,
    hostname: String,
}

impl Host for SliceHost<'_> {
    fn write(&mut self, stream: Stream, text: &str) {
        match self.out.last_mut() {
            Some((s, t)) if *s == stream => t.push_str(text),
            _ => self.out.push((stream, text.to_string())),
        }
    }
    fn submit(&mut self, id: OpId, op: Op, at: Location) {
        self.ops.push((id, op, at));
    }
    fn cancel(&mut self, id: OpId) {
        self.cancels.push(id);
    }
    fn time(&self) -> f64 {
        js_sys::Date::now() / 1000.0
    }
    fn monotonic(&self) -> f64 {
        window().performance().map_or(0.0, |p| p.now() / 1000.0)
    }
    fn hostname(&self) -> String {
        self.hostname.clone()
    }
    fn utc_offset(&self) -> i64 {
        -(js_sys::Date::new_0().get_timezone_offset() as i64) * 60
    }
    fn read_file(&mut self, path: &str) -> Result<Vec<u8>, OsError> {
        self.files.get(path).cloned().ok_or_else(|| OsError {
            errno: socklab_lang::host::errno::ENOENT,
            message: "No such file or directory".into(),
        })
    }
    fn write_file(&mut self, path: &str, data: &[u8], append: bool) -> Result<(), OsError> {
        let f = self.files.entry(path.to_string()).or_default();
        if !append {
            f.clear();
        }
        f.extend_from_slice(data);
        Ok(())
    }
    fn file_exists(&mut self, path: &str) -> bool {
        self.files.contains_key(path)
    }
}

fn button(lang: Lang, key: &str, class: &str, parent: &Element) -> Element {
    let b = labelled("button", class, key, lang);
    set_attr(&b, "type", "button");
    append(parent, &b);
    b
}

/// What a pending op waits for, as the script wrote it.
fn op_name(op: &Op) -> &'static str {
    match op {
        Op::Input => "input()",
        Op::Sleep { .. } => "time.sleep()",
        Op::Resolve { .. } => "gethostbyname()",
        Op::Select { .. } => "select()",
        Op::Create { .. } => "socket()",
        Op::Socket { call, .. } => match call {
            SocketCall::Accept => "accept()",
            SocketCall::Connect(_) => "connect()",
            SocketCall::Recv { .. } => "recv()",
            SocketCall::RecvFrom { .. } => "recvfrom()",
            SocketCall::Send(_) => "send()",
            SocketCall::SendAll(_) => "sendall()",
            SocketCall::SendTo(..) => "sendto()",
            _ => "a socket call",
        },
    }
}

impl App {
    pub fn new(dispatch: Dispatch) -> App {
        // `?relay=none` runs on the in-page simulation instead of real sockets.
        let url = crate::relay_net::relay_url();
        let (net, relay_key): (Box<dyn Net>, &'static str) = if url == "none" {
            (Box::new(crate::mock::MockNet::default()), "relay_mock")
        } else {
            (
                Box::new(crate::relay_net::RelayNet::new(url, dispatch.clone())),
                "relay_connecting",
            )
        };
        let doc = crate::dom::document();
        let lang = window()
            .local_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item("socklab.lang").ok().flatten())
            .map(|c| Lang::from_code(&c))
            .unwrap_or_else(|| {
                Lang::from_code(&window().navigator().language().unwrap_or_default())
            });
        let root = doc.get_element_by_id("app").expect("index.html has #app");
        root.set_inner_html("");
        let top = el("header", "top");
        let h1 = el("h1", "");
        h1.set_text_content(Some("socklab"));
        append(&top, &h1);
        let lessons_btn = button(lang, "lessons", "lessons-btn", &top);
        set_attr(&lessons_btn, "aria-expanded", "false");
        let lesson_title = el("span", "lesson-title");
        append(&top, &lesson_title);
        let run_all = button(lang, "run_all", "run-all primary", &top);
        let stop_all = button(lang, "stop_all", "stop-all", &top);
        let share_btn = button(lang, "share", "share", &top);
        let relay_status = labelled("span", "relay-status", relay_key, lang);
        set_attr(&relay_status, "role", "status");
        append(&top, &relay_status);
        let lang_btn = button(lang, "lang_switch", "lang", &top);
        append(&root, &top);

        let main = el("main", "main");
        let library = el("nav", "library hidden");
        set_attr(&library, "aria-label", "lessons");
        for lesson in socklab_lessons::all() {
            let b = el("button", "lesson");
            set_attr(&b, "type", "button");
            set_attr(&b, "data-id", lesson.id);
            let t = el("span", "title");
            set_attr(&t, "data-en", lesson.title_en);
            set_attr(&t, "data-zh", lesson.title_zh);
            t.set_text_content(Some(if lang == Lang::Zh {
                lesson.title_zh
            } else {
                lesson.title_en
            }));
            append(&b, &t);
            let ul = el("ul", "teaches");
            for point in lesson.teaches {
                let li = el("li", "");
                li.set_text_content(Some(point));
                append(&ul, &li);
            }
            append(&b, &ul);
            append(&library, &b);
        }
        append(&main, &library);
        let work = el("div", "work");
        let lesson_teaches = el("p", "lesson-teaches");
        append(&work, &lesson_teaches);
        let panes_box = el("section", "panes");
        let add_button = labelled("button", "add-pane", "add_pane", lang);
        append(&panes_box, &add_button);
        append(&work, &panes_box);
        let view = WireView::new(lang);
        append(&work, &view.root);
        append(&main, &work);
        append(&root, &main);

        let d = &dispatch;
        let listeners = vec![
            Listener::new(&lessons_btn, "click", d, |_| Some(Msg::ToggleLibrary)),
            Listener::new(&library, "click", d, |e| {
                let target: Element = e.target()?.dyn_into().ok()?;
                let b = target.closest(".lesson").ok()??;
                Some(Msg::OpenLesson(b.get_attribute("data-id")?))
            }),
            Listener::new(&run_all, "click", d, |_| Some(Msg::RunAll)),
            Listener::new(&stop_all, "click", d, |_| Some(Msg::StopAll)),
            Listener::new(&share_btn, "click", d, |_| Some(Msg::Share)),
            Listener::new(&lang_btn, "click", d, |_| Some(Msg::SwitchLang)),
            Listener::new(&add_button, "click", d, |_| Some(Msg::AddPane)),
            Listener::new(&view.rows, "click", d, |e| Some(Msg::SelectWire(e))),
            Listener::new(&view.rows, "keydown", d, |e| {
                let k: &KeyboardEvent = e.unchecked_ref();
                (k.key() == "Enter" || k.key() == " ").then_some(Msg::SelectWire(e))
            }),
            Listener::new(&view.encoding, "change", d, |_| Some(Msg::WireEncoding)),
            Listener::new(&view.clear, "click", d, |_| Some(Msg::ClearWire)),
            Listener::new(&window(), "hashchange", d, |_| Some(Msg::HashChanged)),
        ];
        let mut app = App {
            dispatch,
            lang,
            net,
            panes: Vec::new(),
            next_pane: 1,
            procs: Vec::new(),
            next_proc: 1,
            lesson: None,
            scenario: None,
            wire: WireLog::new(lang == Lang::Zh),
            view,
            files: HashMap::new(),
            panes_box,
            add_button,
            library,
            lesson_title,
            lesson_teaches,
            relay_status,
            relay_key,
            _listeners: listeners,
        };
        if let Some(e) = crate::dom::document().document_element() {
            set_attr(&e, "lang", lang.code());
        }
        app.load_initial();
        app
    }

    /// What to show first: a link's request, else the work kept in localStorage, else lesson 01.
    fn load_initial(&mut self) {
        let hash = window().location().hash().unwrap_or_default();
        match share::parse_hash(&hash) {
            HashRequest::Lesson { id, run } => {
                self.open_lesson(&id);
                if run {
                    self.update(Msg::RunAll);
                }
                return;
            }
            HashRequest::Shared(scripts) => {
                self.load_scripts(None, &scripts);
                return;
            }
            HashRequest::None => {}
        }
        let kept = window()
            .local_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        if let Some(kept) = kept {
            let (lesson, scripts) = kept.split_once(' ').unwrap_or(("", &kept));
            if let Some(scripts) = share::decode(scripts) {
                self.load_scripts(socklab_lessons::find(lesson), &scripts);
                return;
            }
        }
        if let Some(first) = socklab_lessons::all().first() {
            self.open_lesson(first.id);
        }
    }

    fn open_lesson(&mut self, id: &str) {
        let Some(lesson) = socklab_lessons::find(id) else {
            return;
        };
        let scripts: Vec<Script> = lesson
            .scripts()
            .map(|f| Script {
                name: f.name.to_string(),
                text: f.text.to_string(),
            })
            .collect();
        self.load_scripts(Some(lesson), &scripts);
    }

    fn load_scripts(&mut self, lesson: Option<&'static Lesson>, scripts: &[Script]) {
        self.stop_everything();
        for pane in std::mem::take(&mut self.panes) {
            pane.root.remove();
        }
        self.lesson = lesson;
        self.show_lesson_title();
        for s in scripts {
            let sample = lesson.map_or("", |l| l.stdin_for(&s.name));
            self.add_pane(&s.name, &s.text, sample);
        }
        self.clear_wire();
        self.save();
    }

    fn show_lesson_title(&self) {
        let title = match self.lesson {
            Some(l) if self.lang == Lang::Zh => l.title_zh,
            Some(l) => l.title_en,
            None => "",
        };
        self.lesson_title.set_text_content(Some(title));
        let teaches = self
            .lesson
            .map(|l| l.teaches.join(" · "))
            .unwrap_or_default();
        set_attr(&self.lesson_title, "title", &teaches);
        self.lesson_teaches.set_text_content(Some(&teaches));
        let _ = self
            .library
            .query_selector_all(".lesson.current")
            .map(|list| {
                for i in 0..list.length() {
                    if let Some(e) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                        let _ = e.class_list().remove_1("current");
                    }
                }
            });
        if let Some(l) = self.lesson {
            if let Ok(Some(b)) = self
                .library
                .query_selector(&format!(".lesson[data-id=\"{}\"]", l.id))
            {
                let _ = b.class_list().add_1("current");
            }
        }
    }

    fn add_pane(&mut self, name: &str, text: &str, sample: &str) {
        let id = self.next_pane;
        self.next_pane += 1;
        let lang = self.lang;
        let root = el("div", "pane");
        set_attr(&root, "data-file", name);
        let head = el("div", "pane-head");
        let name_input: HtmlInputElement = el("input", "name").unchecked_into();
        name_input.set_value(name);
        set_attr(&name_input, "aria-label", tr(lang, "rename"));
        append(&head, &name_input);
        let run = button(lang, "run", "run", &head);
        set_attr(&run, "title", "Ctrl+Enter");
        let stop = button(lang, "stop", "stop", &head);
        let step = button(lang, "step", "step", &head);
        let sample_btn = button(lang, "sample", "sample", &head);
        if sample.is_empty() {
            set_attr(&sample_btn, "hidden", "");
        }
        let remove = button(lang, "remove", "remove", &head);
        append(&root, &head);
        let status = el("div", "pane-status");
        let state = labelled("span", "state", "idle", lang);
        let blocked = el("span", "blocked");
        let link: HtmlAnchorElement = el("a", "listen-link").unchecked_into();
        set_attr(&link, "target", "_blank");
        set_attr(&link, "rel", "noopener");
        set_attr(&link, "hidden", "");
        append(&status, &state);
        append(&status, &blocked);
        append(&status, &link);
        append(&root, &status);
        let editor = Editor::new(name);
        editor.set_text(text);
        append(&root, &editor.root);
        let console = el("div", "console");
        let out = el("pre", "out");
        set_attr(&out, "aria-live", "polite");
        let input: HtmlInputElement = el("input", "stdin").unchecked_into();
        set_attr(&input, "placeholder", tr(lang, "input_ph"));
        set_attr(&input, "data-t-ph", "input_ph");
        set_attr(&input, "aria-label", "input()");
        append(&console, &out);
        append(&console, &input);
        append(&root, &console);
        let _ = self.panes_box.insert_before(&root, Some(&self.add_button));

        let d = &self.dispatch;
        let listeners = vec![
            Listener::new(&run, "click", d, move |_| Some(Msg::Run(id))),
            Listener::new(&stop, "click", d, move |_| Some(Msg::Stop(id))),
            Listener::new(&step, "click", d, move |_| Some(Msg::Step(id))),
            Listener::new(&sample_btn, "click", d, move |_| Some(Msg::Sample(id))),
            Listener::new(&remove, "click", d, move |_| Some(Msg::RemovePane(id))),
            Listener::new(&name_input, "change", d, move |_| Some(Msg::RenamePane(id))),
            Listener::new(&editor.area, "input", d, move |_| Some(Msg::Edited(id))),
            Listener::new(&editor.area, "keydown", d, move |e| {
                Some(Msg::EditorKey(id, e.unchecked_into()))
            }),
            Listener::new(&input, "keydown", d, move |e| {
                Some(Msg::InputKey(id, e.unchecked_into()))
            }),
        ];
        self.panes.push(Pane {
            id,
            root,
            name: name_input,
            editor,
            state,
            blocked,
            link,
            out,
            input,
            sample: sample.to_string(),
            _listeners: listeners,
        });
    }

    fn pane(&self, id: PaneId) -> Option<&Pane> {
        self.panes.iter().find(|p| p.id == id)
    }

    fn pane_by_name(&self, name: &str) -> Option<PaneId> {
        self.panes
            .iter()
            .find(|p| p.name.value() == name)
            .map(|p| p.id)
    }

    fn scripts(&self) -> Vec<Script> {
        self.panes
            .iter()
            .map(|p| Script {
                name: p.name.value(),
                text: p.editor.text(),
            })
            .collect()
    }

    /// Keep the work in localStorage: `LESSON_ID ENCODED_SCRIPTS`.
    fn save(&self) {
        let lesson = self.lesson.map_or("-", |l| l.id);
        let value = format!("{lesson} {}", share::encode(&self.scripts()));
        if let Some(s) = window().local_storage().ok().flatten() {
            let _ = s.set_item(STORAGE_KEY, &value);
        }
    }

    pub fn update(&mut self, msg: Msg) {
        match msg {
            Msg::OpenLesson(id) => {
                self.open_lesson(&id);
                self.toggle_library(Some(false));
            }
            Msg::ToggleLibrary => self.toggle_library(None),
            Msg::RunAll => self.run_all(),
            Msg::StopAll => {
                self.scenario = None;
                let ids: Vec<PaneId> = self.panes.iter().map(|p| p.id).collect();
                for id in ids {
                    self.stop_pane(id);
                }
            }
            Msg::Share => {
                let url = format!("#s={}", share::encode(&self.scripts()));
                let _ = window().location().set_hash(&url);
                self.relay_status
                    .set_text_content(Some(tr(self.lang, "copied")));
            }
            Msg::SwitchLang => self.switch_lang(),
            Msg::AddPane => {
                let name = format!("script{}.py", self.next_pane);
                self.add_pane(&name, "", "");
                self.save();
            }
            Msg::RemovePane(id) => {
                self.stop_pane(id);
                if let Some(i) = self.panes.iter().position(|p| p.id == id) {
                    self.panes.remove(i).root.remove();
                }
                self.save();
            }
            Msg::RenamePane(id) => {
                if let Some(p) = self.pane(id) {
                    set_attr(&p.root, "data-file", &p.name.value());
                }
                self.save();
            }
            Msg::Edited(id) => {
                if let Some(p) = self.pane(id) {
                    p.editor.refresh();
                    p.editor.mark_error(None, "");
                }
                self.save();
            }
            Msg::EditorKey(id, e) => self.editor_key(id, e),
            Msg::Run(id) => self.run_pane(id, false),
            Msg::Stop(id) => self.stop_pane(id),
            Msg::Step(id) => self.run_pane(id, true),
            Msg::Sample(id) => self.replay_sample(id),
            Msg::InputKey(id, e) => {
                if e.key() == "Enter" {
                    if let Some(p) = self.pane(id) {
                        let line = p.input.value();
                        p.input.set_value("");
                        self.give_input(id, vec![line]);
                    }
                }
            }
            Msg::Tick(proc) => self.tick(proc),
            Msg::Completed(proc, id, reply) => self.complete(proc, id, reply),
            Msg::Net(event) => {
                if let Some(key) = self.net.handle(event) {
                    self.relay_key = key;
                    set_attr(&self.relay_status, "data-t", key);
                    set_attr(&self.relay_status, "data-state", key);
                    self.relay_status.set_text_content(Some(tr(self.lang, key)));
                }
            }
            Msg::SelectWire(e) => {
                let index = e
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|t| t.closest(".msg").ok().flatten())
                    .and_then(|row| row.get_attribute("data-index"))
                    .and_then(|i| i.parse::<usize>().ok());
                if let Some(i) = index {
                    self.show_wire(i);
                }
            }
            Msg::WireEncoding => {
                if let Some(i) = self.selected_wire() {
                    self.show_wire(i);
                }
            }
            Msg::ClearWire => self.clear_wire(),
            Msg::HashChanged => {
                let hash = window().location().hash().unwrap_or_default();
                if let HashRequest::Lesson { id, run } = share::parse_hash(&hash) {
                    self.open_lesson(&id);
                    if run {
                        self.run_all();
                    }
                }
            }
        }
        self.drain_net();
    }

    fn toggle_library(&self, open: Option<bool>) {
        let hidden = self.library.class_list().contains("hidden");
        let open = open.unwrap_or(hidden);
        let _ = self.library.class_list().toggle_with_force("hidden", !open);
    }

    fn switch_lang(&mut self) {
        self.lang = if self.lang == Lang::Zh {
            Lang::En
        } else {
            Lang::Zh
        };
        self.wire.zh = self.lang == Lang::Zh;
        let doc = crate::dom::document();
        if let Some(e) = doc.document_element() {
            set_attr(&e, "lang", self.lang.code());
        }
        if let Some(s) = window().local_storage().ok().flatten() {
            let _ = s.set_item("socklab.lang", self.lang.code());
        }
        let each = |selector: &str, f: &dyn Fn(&Element)| {
            if let Ok(list) = doc.query_selector_all(selector) {
                for i in 0..list.length() {
                    if let Some(e) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                        f(&e);
                    }
                }
            }
        };
        let lang = self.lang;
        each("[data-t]", &|e| {
            let key = e.get_attribute("data-t").unwrap_or_default();
            // Labels with a live suffix (a state line) keep it.
            let suffix = e.get_attribute("data-suffix").unwrap_or_default();
            e.set_text_content(Some(&format!("{}{suffix}", tr(lang, &key))));
        });
        each("[data-t-ph]", &|e| {
            set_attr(
                e,
                "placeholder",
                tr(lang, &e.get_attribute("data-t-ph").unwrap_or_default()),
            );
        });
        let attr = if lang == Lang::Zh {
            "data-zh"
        } else {
            "data-en"
        };
        each(".lesson .title", &|e| {
            e.set_text_content(e.get_attribute(attr).as_deref())
        });
        self.show_lesson_title();
    }

    fn editor_key(&mut self, id: PaneId, e: KeyboardEvent) {
        let Some(p) = self.pane(id) else { return };
        if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
            e.prevent_default();
            self.run_pane(id, false);
        } else if e.key() == "Tab" && !e.shift_key() && !e.ctrl_key() && !e.alt_key() {
            // Escape first releases the editor's hold on Tab, so keyboard users can leave.
            if p.root.class_list().contains("tab-free") {
                let _ = p.root.class_list().remove_1("tab-free");
                return;
            }
            e.prevent_default();
            p.editor.insert_indent();
            self.save();
        } else if e.key() == "Escape" {
            let _ = p.root.class_list().add_1("tab-free");
        }
    }

    // ---- running scripts ----

    fn run_pane(&mut self, id: PaneId, stepping: bool) {
        // A paused script continues (Run) or goes one more line (Step).
        if let Some(proc) = self
            .procs
            .iter_mut()
            .find(|p| p.pane == id && p.paused.is_some())
        {
            proc.interp.set_stepping(stepping);
            proc.paused = None;
            let pid = proc.id;
            self.schedule_tick(pid);
            return;
        }
        if self.procs.iter().any(|p| p.pane == id) {
            return;
        }
        self.start_proc(id, "", stepping);
    }

    fn start_proc(&mut self, pane_id: PaneId, stdin: &str, stepping: bool) -> Option<ProcId> {
        let pane = self.pane(pane_id)?;
        let name = pane.name.value();
        let copies = self.procs.iter().filter(|p| p.pane == pane_id).count();
        let label = if copies == 0 {
            name.clone()
        } else {
            format!("{name} #{}", copies + 1)
        };
        if copies == 0 {
            pane.out.set_text_content(None);
        } else {
            self.console(pane_id, "note", &format!("── {label} ──\n"));
        }
        let pane = self.pane(pane_id)?;
        pane.editor.mark_error(None, "");
        pane.editor.mark_current(None);
        let _ = pane.root.remove_attribute("data-error-line");
        let _ = pane.root.remove_attribute("data-exit");
        set_attr(&pane.link, "hidden", "");
        let mut interp = Interpreter::new(
            &pane.editor.text(),
            &name,
            vec![name.clone()],
            Limits::default(),
        );
        interp.set_stepping(stepping);
        let id = self.next_proc;
        self.next_proc += 1;
        self.procs.push(Proc {
            id,
            pane: pane_id,
            label,
            interp,
            stdin: stdin.lines().map(str::to_string).collect(),
            pending: HashMap::new(),
            waiting_input: None,
            tick_scheduled: false,
            stop_requested: false,
            paused: None,
        });
        self.set_state(pane_id, "running", "");
        let _ = pane_root_class(self.pane(pane_id), "running", true);
        self.schedule_tick(id);
        Some(id)
    }

    fn schedule_tick(&mut self, proc: ProcId) {
        if let Some(p) = self.procs.iter_mut().find(|p| p.id == proc) {
            if !p.tick_scheduled {
                p.tick_scheduled = true;
                self.dispatch.later(0, Msg::Tick(proc));
            }
        }
    }

    fn tick(&mut self, proc_id: ProcId) {
        let Some(i) = self.procs.iter().position(|p| p.id == proc_id) else {
            return;
        };
        self.procs[i].tick_scheduled = false;
        if self.procs[i].paused.is_some() {
            return;
        }
        let mut host = SliceHost {
            out: Vec::new(),
            ops: Vec::new(),
            cancels: Vec::new(),
            files: &mut self.files,
            hostname: self.net.hostname(),
        };
        let status = self.procs[i].interp.run(&mut host);
        let SliceHost {
            out, ops, cancels, ..
        } = host;
        let pane = self.procs[i].pane;
        // A second copy of a pane's script (lesson 08 runs two clients) prints in its own colour.
        let copy = self.procs[i].label.contains(" #");
        for (stream, text) in out {
            let class = match (stream == Stream::Stderr, copy) {
                (true, false) => "err",
                (true, true) => "err copy",
                (false, false) => "",
                (false, true) => "copy",
            };
            self.console(pane, class, &text);
        }
        for id in cancels {
            let p = &mut self.procs[i];
            p.pending.remove(&id);
            if p.waiting_input == Some(id) {
                p.waiting_input = None;
            }
            self.net.cancel(proc_id, id);
        }
        for (id, op, at) in ops {
            self.submit(proc_id, id, op, at);
        }
        let Some(i) = self.procs.iter().position(|p| p.id == proc_id) else {
            return;
        };
        match status {
            Status::Yielded => self.schedule_tick(proc_id),
            Status::Waiting => self.show_blocked(proc_id),
            Status::Paused { line } => {
                self.procs[i].paused = Some(line);
                if let Some(p) = self.pane(pane) {
                    p.editor.mark_current(Some(line));
                }
                self.set_state(pane, "paused", &format!(" {line}"));
            }
            Status::Exited(code) => self.finish(proc_id, code),
        }
    }

    fn submit(&mut self, proc_id: ProcId, id: OpId, op: Op, at: Location) {
        let Some(p) = self.procs.iter_mut().find(|p| p.id == proc_id) else {
            return;
        };
        p.pending.insert(id, (op.clone(), at));
        match op {
            Op::Input => {
                if let Some(line) = p.stdin.pop_front() {
                    let pane = p.pane;
                    self.console(pane, "typed", &format!("{line}\n"));
                    self.complete(proc_id, id, Reply::Line(Some(line)));
                } else {
                    p.waiting_input = Some(id);
                    let pane = p.pane;
                    if let Some(pane) = self.pane(pane) {
                        let _ = pane.input.class_list().add_1("wanted");
                        let _ = pane.input.focus();
                    }
                }
            }
            Op::Sleep { seconds } => {
                let ms = (seconds * 1000.0).clamp(0.0, i32::MAX as f64) as i32;
                self.dispatch
                    .later(ms, Msg::Completed(proc_id, id, Reply::Done));
            }
            op => self.net.submit(proc_id, id, op, at),
        }
    }

    fn drain_net(&mut self) {
        // Bounded: each round answers ops that exist; completions make at most new ticks.
        for _ in 0..64 {
            let output = self.net.take_output();
            if output.is_empty() {
                break;
            }
            for out in output {
                match out {
                    NetOutput::Completed(proc, id, reply) => self.complete(proc, id, reply),
                    NetOutput::Arrived(proc, sock, what) => self.draw_arrival(proc, sock, what),
                }
            }
        }
    }

    fn complete(&mut self, proc_id: ProcId, id: OpId, reply: Reply) {
        let Some(i) = self.procs.iter().position(|p| p.id == proc_id) else {
            return;
        };
        let Some((op, at)) = self.procs[i].pending.remove(&id) else {
            return;
        };
        let pane = self.procs[i].pane;
        if let Some(event) = self.wire.record(proc_id, at, &op, &reply) {
            let event = event.clone();
            let index = self.wire.events.len() - 1;
            let names = self.lane_names();
            self.view.add(index, &event, names);
            if event.kind == Kind::Listen {
                self.show_listening(proc_id, &op);
            }
            let ready = match event.kind {
                Kind::Listen => Some(false),
                Kind::Bind => Some(true),
                _ => None,
            };
            if let (Some(udp), Some(sc)) = (ready, &self.scenario) {
                if sc.wait_ready == Some((proc_id, udp)) {
                    self.advance_scenario();
                }
            }
        }
        let Some(p) = self.procs.iter_mut().find(|p| p.id == proc_id) else {
            return;
        };
        p.interp.complete(id, reply);
        if p.pending.is_empty() {
            let _ = self.pane(pane).map(|p| p.blocked.set_text_content(None));
        }
        self.schedule_tick(proc_id);
    }

    fn draw_arrival(&mut self, proc: ProcId, sock: SocketHandle, what: Arrival) {
        match self.wire.arrival(proc, sock, what) {
            Drawn::New(index) => {
                let names = self.lane_names();
                self.view.add(index, &self.wire.events[index], names);
            }
            Drawn::Grew(index) => {
                self.view.update(index, &self.wire.events[index]);
                if self.selected_wire() == Some(index) {
                    self.show_wire(index);
                }
            }
        }
    }

    fn lane_names(&self) -> impl Fn(Lane) -> String {
        let names: HashMap<ProcId, String> =
            self.procs.iter().map(|p| (p.id, p.label.clone())).collect();
        let outside = tr(self.lang, "outside").to_string();
        move |lane| match lane {
            Lane::Proc(id) => names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
            Lane::Outside => outside.clone(),
        }
    }

    /// A server listens: show its real address, and a link for web servers.
    fn show_listening(&self, proc_id: ProcId, op: &Op) {
        let Op::Socket { sock, .. } = op else { return };
        let Some(addr) = self.wire.listening_addr(proc_id, *sock) else {
            return;
        };
        let Some(proc) = self.procs.iter().find(|p| p.id == proc_id) else {
            return;
        };
        let Some(pane) = self.pane(proc.pane) else {
            return;
        };
        // A wildcard address is reached through the relay's own host name.
        let host = match addr.host.as_str() {
            "0.0.0.0" | "" | "::" => window()
                .location()
                .hostname()
                .unwrap_or_else(|_| "127.0.0.1".into()),
            h => h.to_string(),
        };
        let url = if host.contains(':') {
            format!("http://[{host}]:{}/", addr.port)
        } else {
            format!("http://{host}:{}/", addr.port)
        };
        pane.link.set_href(&url);
        pane.link.set_text_content(Some(&format!(
            "{} {addr} — {}",
            tr(self.lang, "listening"),
            tr(self.lang, "open_tab")
        )));
        let _ = pane.link.remove_attribute("hidden");
    }

    fn show_blocked(&self, proc_id: ProcId) {
        let Some(p) = self.procs.iter().find(|p| p.id == proc_id) else {
            return;
        };
        let Some(pane) = self.pane(p.pane) else {
            return;
        };
        let mut waits: Vec<(u32, &'static str, u32)> = p
            .pending
            .values()
            .map(|(op, at)| (at.thread, op_name(op), at.line))
            .collect();
        waits.sort();
        let zh = self.lang == Lang::Zh;
        let text: Vec<String> = waits
            .iter()
            .map(|(thread, what, line)| {
                let who = if waits.len() > 1 {
                    format!("[{thread}] ")
                } else {
                    String::new()
                };
                if zh {
                    format!("{who}阻塞于第 {line} 行的 {what}")
                } else {
                    format!("{who}blocked in {what} at line {line}")
                }
            })
            .collect();
        pane.blocked.set_text_content(Some(&text.join(" · ")));
        if p.waiting_input.is_some() {
            self.set_state(p.pane, "waiting_input", "");
        } else {
            self.set_state(p.pane, "running", "");
        }
    }

    fn finish(&mut self, proc_id: ProcId, code: i32) {
        let Some(i) = self.procs.iter().position(|p| p.id == proc_id) else {
            return;
        };
        let proc = self.procs.remove(i);
        self.net.exit(proc_id);
        self.wire.forget_proc(proc_id);
        let pane_id = proc.pane;
        if let Some(pane) = self.pane(pane_id) {
            pane.blocked.set_text_content(None);
            pane.editor.mark_current(None);
            let _ = pane.input.class_list().remove_1("wanted");
            if code != 0 {
                if let Some((line, message)) = proc.interp.error() {
                    pane.editor.mark_error(Some(line), &message);
                    set_attr(&pane.root, "data-error-line", &line.to_string());
                }
            }
        }
        if !self.procs.iter().any(|p| p.pane == pane_id) {
            self.set_state(pane_id, "exited", &format!(" {code}"));
            let _ = pane_root_class(self.pane(pane_id), "running", false);
            if let Some(pane) = self.pane(pane_id) {
                set_attr(&pane.root, "data-exit", &code.to_string());
            }
        }
        if let Some(sc) = &self.scenario {
            if sc.wait_ready.is_some_and(|(p, _)| p == proc_id) {
                // The server ended before it was ready: the rest cannot run.
                self.scenario = None;
            }
        }
    }

    fn stop_pane(&mut self, pane_id: PaneId) {
        let ids: Vec<ProcId> = self
            .procs
            .iter()
            .filter(|p| p.pane == pane_id)
            .map(|p| p.id)
            .collect();
        for id in ids {
            let Some(p) = self.procs.iter_mut().find(|p| p.id == id) else {
                continue;
            };
            if p.stop_requested {
                // A second Stop: the script caught KeyboardInterrupt and went on; end it.
                self.console(pane_id, "err", "^C (killed)\n");
                self.finish(id, -2);
                continue;
            }
            p.stop_requested = true;
            p.paused = None;
            p.interp.set_stepping(false);
            p.interp.interrupt();
            self.schedule_tick(id);
        }
    }

    fn stop_everything(&mut self) {
        self.scenario = None;
        let ids: Vec<ProcId> = self.procs.iter().map(|p| p.id).collect();
        for id in ids {
            self.finish(id, -2);
        }
    }

    fn give_input(&mut self, pane_id: PaneId, lines: Vec<String>) {
        let Some(p) = self.procs.iter_mut().filter(|p| p.pane == pane_id).last() else {
            return;
        };
        p.stdin.extend(lines);
        let proc_id = p.id;
        if let Some(id) = p.waiting_input.take() {
            if let Some(line) = p.stdin.pop_front() {
                if let Some(pane) = self.pane(pane_id) {
                    let _ = pane.input.class_list().remove_1("wanted");
                }
                self.console(pane_id, "typed", &format!("{line}\n"));
                self.complete(proc_id, id, Reply::Line(Some(line)));
            }
        }
    }

    /// Feed the lesson's sample input: to the running script, or start it with it.
    fn replay_sample(&mut self, pane_id: PaneId) {
        let Some(sample) = self.pane(pane_id).map(|p| p.sample.clone()) else {
            return;
        };
        if self.procs.iter().any(|p| p.pane == pane_id) {
            self.give_input(pane_id, sample.lines().map(str::to_string).collect());
        } else {
            self.start_proc(pane_id, &sample, false);
        }
    }

    // ---- Run all ----

    fn run_all(&mut self) {
        self.stop_everything();
        self.clear_wire();
        match self.lesson {
            Some(lesson) if self.lesson_matches(lesson) => {
                self.scenario = Some(Scenario {
                    lesson,
                    next: 0,
                    wait_ready: None,
                });
                self.advance_scenario();
            }
            // Not a lesson (or renamed scripts): start every pane at once.
            _ => {
                let ids: Vec<PaneId> = self.panes.iter().map(|p| p.id).collect();
                for id in ids {
                    self.start_proc(id, "", false);
                }
            }
        }
    }

    fn lesson_matches(&self, lesson: &Lesson) -> bool {
        lesson.runs.iter().all(|r| match r.kind {
            RunKind::Script { file } => self.pane_by_name(file).is_some(),
            _ => true,
        })
    }

    /// Start runs until one must be ready (listening/bound) before the next may start.
    fn advance_scenario(&mut self) {
        let Some(mut sc) = self.scenario.take() else {
            return;
        };
        sc.wait_ready = None;
        let runs = sc.lesson.runs;
        while sc.next < runs.len() {
            let run = &runs[sc.next];
            sc.next += 1;
            let proc = match run.kind {
                RunKind::Script { file } => {
                    let pane = self.pane_by_name(file);
                    pane.and_then(|pane| self.start_proc(pane, run.stdin, false))
                }
                RunKind::HttpGet { url, .. } => {
                    // The student's own server is fetched by a real HTTP client: the
                    // listening link in the server's pane is that client, one click away.
                    let pane = self.procs.last().map(|p| p.pane);
                    if let Some(pane) = pane {
                        self.console(
                            pane,
                            "note",
                            &format!("→ {url} ({})\n", tr(self.lang, "open_tab")),
                        );
                    }
                    None
                }
                RunKind::ServeDir { port, .. } => {
                    if let Some(pane) = self.panes.first().map(|p| p.id) {
                        self.console(
                            pane,
                            "note",
                            &format!("{} {port}\n", tr(self.lang, "serve_dir")),
                        );
                    }
                    None
                }
            };
            if let (Some(ready), Some(proc)) = (run.ready, proc) {
                sc.wait_ready = Some((proc, ready.starts_with("udp:")));
                break;
            }
        }
        if sc.next < runs.len() || sc.wait_ready.is_some() {
            self.scenario = Some(sc);
        }
    }

    // ---- output ----

    fn console(&self, pane_id: PaneId, class: &str, text: &str) {
        let Some(pane) = self.pane(pane_id) else {
            return;
        };
        // Consecutive output of one kind goes into one text node run, so a long-running
        // server does not grow the DOM by one element per print.
        let last = pane.out.last_element_child();
        let target = match last {
            Some(e) if e.class_name() == class => e,
            _ => {
                let e = el("span", class);
                append(&pane.out, &e);
                e
            }
        };
        let _ = target.append_with_str_1(text);
        let o = html(&pane.out);
        o.set_scroll_top(o.scroll_height());
    }

    fn set_state(&self, pane_id: PaneId, key: &str, suffix: &str) {
        let Some(pane) = self.pane(pane_id) else {
            return;
        };
        set_attr(&pane.state, "data-t", key);
        set_attr(&pane.state, "data-suffix", suffix);
        set_attr(&pane.root, "data-state", key);
        pane.state
            .set_text_content(Some(&format!("{}{suffix}", tr(self.lang, key))));
    }

    fn clear_wire(&mut self) {
        self.wire.clear_rows();
        self.view.clear();
    }

    fn selected_wire(&self) -> Option<usize> {
        let row = self.view.rows.query_selector(".msg.selected").ok()??;
        row.get_attribute("data-index")?.parse().ok()
    }

    fn show_wire(&self, index: usize) {
        if let Some(ev) = self.wire.events.get(index) {
            self.view.show(ev, self.lang);
            self.view.select_row(index);
        }
    }
}

fn pane_root_class(pane: Option<&Pane>, class: &str, on: bool) -> Option<()> {
    pane?
        .root
        .class_list()
        .toggle_with_force(class, on)
        .ok()
        .map(|_| ())
}
