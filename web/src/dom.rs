//! Small DOM helpers: element builders, event listeners owned by whoever registers them,
//! and the message queue that turns every UI event into one `Msg` handled in one place.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, EventTarget, HtmlElement, Window};

use crate::app::{App, Msg};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(text: &str);
}

/// `console.error`, for problems only a developer can act on.
pub fn log_error(text: &str) {
    console_error(text);
}

pub fn window() -> Window {
    web_sys::window().expect("the page has a window")
}

pub fn document() -> Document {
    window().document().expect("the window has a document")
}

/// `<tag class="class">`.
pub fn el(tag: &str, class: &str) -> Element {
    let e = document().create_element(tag).expect("valid tag name");
    if !class.is_empty() {
        e.set_class_name(class);
    }
    e
}

/// An element with an interface label that follows the language switch (`data-t`).
pub fn labelled(tag: &str, class: &str, key: &str, lang: crate::i18n::Lang) -> Element {
    let e = el(tag, class);
    e.set_attribute("data-t", key).expect("attribute");
    e.set_text_content(Some(crate::i18n::tr(lang, key)));
    e
}

pub fn append(parent: &Element, child: &Element) {
    parent.append_child(child).expect("append_child");
}

pub fn set_attr(e: &Element, name: &str, value: &str) {
    e.set_attribute(name, value).expect("set_attribute");
}

pub fn html(e: &Element) -> &HtmlElement {
    e.unchecked_ref()
}

/// The page's message queue and the app it feeds. Messages sent while a message is being
/// handled (a DOM event fired by our own change, a completion) wait in the queue, so the
/// app is never borrowed twice.
pub struct Runtime {
    queue: RefCell<VecDeque<Msg>>,
    busy: Cell<bool>,
    app: RefCell<Option<App>>,
}

/// A handle for sending messages to the app; weak, so listeners owned by the app do not
/// keep it alive in a cycle.
#[derive(Clone)]
pub struct Dispatch(Weak<Runtime>);

impl Dispatch {
    pub fn send(&self, msg: Msg) {
        let Some(rt) = self.0.upgrade() else { return };
        rt.queue.borrow_mut().push_back(msg);
        if rt.busy.replace(true) {
            return;
        }
        loop {
            let next = rt.queue.borrow_mut().pop_front();
            let Some(msg) = next else { break };
            if let Some(app) = rt.app.borrow_mut().as_mut() {
                app.update(msg);
            }
        }
        rt.busy.set(false);
    }

    /// Send `msg` after `ms` milliseconds (0: after the browser had its turn).
    pub fn later(&self, ms: i32, msg: Msg) {
        let me = self.clone();
        // once_into_js frees the closure after its one call; nothing to own here.
        let f = Closure::once_into_js(move || me.send(msg));
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), ms)
            .expect("setTimeout");
    }
}

/// Create the runtime and the app; the returned `Rc` is the only strong reference.
pub fn start_runtime(make: impl FnOnce(Dispatch) -> App) -> Rc<Runtime> {
    let rt = Rc::new(Runtime {
        queue: RefCell::new(VecDeque::new()),
        busy: Cell::new(false),
        app: RefCell::new(None),
    });
    let app = make(Dispatch(Rc::downgrade(&rt)));
    *rt.app.borrow_mut() = Some(app);
    rt
}

/// An event listener that is removed when dropped.
pub struct Listener {
    target: EventTarget,
    kind: &'static str,
    closure: Closure<dyn FnMut(Event)>,
}

impl Listener {
    /// Listen for `kind` on `target`; `f` turns the event into a message (or nothing).
    pub fn new(
        target: &EventTarget,
        kind: &'static str,
        dispatch: &Dispatch,
        f: impl Fn(Event) -> Option<Msg> + 'static,
    ) -> Listener {
        let dispatch = dispatch.clone();
        let closure = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
            if let Some(msg) = f(e) {
                dispatch.send(msg);
            }
        });
        target
            .add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref())
            .expect("addEventListener");
        Listener {
            target: target.clone(),
            kind,
            closure,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.closure.as_ref().unchecked_ref());
    }
}
