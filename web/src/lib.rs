//! The socklab page: lesson library, editors, consoles and the live wire view, in WebAssembly.
//!
//! Layout:
//! * [`app`]: the page state and its one `update(Msg)`; runs scripts slice by slice;
//! * [`dom`]: element helpers, owned listeners, the message queue;
//! * [`editor`], [`wire_view`]: the editor and the sequence diagram on the page;
//! * [`wire`], [`highlight`], [`bytes_view`], [`share`], [`i18n`]: pure logic, tested natively;
//! * [`net`]: where socket ops go — [`relay_net`] (the relay) or [`mock`] (in-page).

pub mod app;
pub mod bytes_view;
pub mod dom;
pub mod editor;
pub mod highlight;
pub mod i18n;
pub mod mock;
pub mod net;
pub mod relay_net;
pub mod share;
pub mod wire;
pub mod wire_view;

use wasm_bindgen::prelude::*;

thread_local! {
    /// The page's runtime lives as long as the page.
    static RUNTIME: std::cell::RefCell<Option<std::rc::Rc<dom::Runtime>>> = const { std::cell::RefCell::new(None) };
}

/// Entry point: called once when the module is loaded.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    let rt = dom::start_runtime(app::App::new);
    RUNTIME.with(|r| *r.borrow_mut() = Some(rt));
    // For measuring load time (docs/BENCH.md): the page is built and usable from here.
    if let Some(p) = dom::window().performance() {
        let _ = p.mark("socklab-ready");
    }
}
