//! The code editor: a transparent textarea over a highlighted `<pre>`, with a line-number
//! gutter and bands marking the current (step) line and the line of an uncaught exception.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlTextAreaElement};

use crate::dom::{append, el, html, set_attr};
use crate::highlight::highlight;

pub struct Editor {
    pub root: Element,
    pub area: HtmlTextAreaElement,
    gutter: Element,
    pre: Element,
    cur: Element,
    err: Element,
}

impl Editor {
    pub fn new(label: &str) -> Editor {
        let root = el("div", "editor");
        let gutter = el("pre", "gutter");
        set_attr(&gutter, "aria-hidden", "true");
        let code = el("div", "code");
        let cur = el("div", "band cur");
        let err = el("div", "band err");
        let pre = el("pre", "hl");
        set_attr(&pre, "aria-hidden", "true");
        let area: HtmlTextAreaElement = el("textarea", "src").unchecked_into();
        set_attr(&area, "spellcheck", "false");
        set_attr(&area, "wrap", "off");
        set_attr(&area, "autocapitalize", "off");
        set_attr(&area, "aria-label", label);
        for e in [&cur, &err, &pre] {
            append(&code, e);
        }
        append(&code, &area);
        append(&root, &gutter);
        append(&root, &code);
        let ed = Editor {
            root,
            area,
            gutter,
            pre,
            cur,
            err,
        };
        ed.mark(&ed.cur, None);
        ed.mark(&ed.err, None);
        ed
    }

    pub fn text(&self) -> String {
        self.area.value()
    }

    pub fn set_text(&self, text: &str) {
        self.area.set_value(text);
        self.refresh();
    }

    /// Re-highlight after an edit and size the textarea to its content (the editor box
    /// scrolls, not the textarea, so the layers stay aligned).
    pub fn refresh(&self) {
        let text = self.area.value();
        // A trailing newline needs a line of its own in the <pre> as in the textarea.
        self.pre.set_inner_html(&format!("{}\n", highlight(&text)));
        let lines = text.split('\n').count();
        let numbers: Vec<String> = (1..=lines).map(|n| n.to_string()).collect();
        self.gutter.set_text_content(Some(&numbers.join("\n")));
        let cols = text
            .split('\n')
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0);
        let style = html(self.area.unchecked_ref()).style();
        let _ = style.set_property("height", &format!("calc({} * var(--lh) + 1em)", lines + 1));
        let _ = style.set_property("width", &format!("max(100%, {}ch)", cols + 4));
    }

    fn mark(&self, band: &Element, line: Option<u32>) {
        let style = html(band).style();
        match line {
            Some(n) if n > 0 => {
                let _ = style.set_property("display", "block");
                let _ = style.set_property("top", &format!("calc({} * var(--lh) + 0.5em)", n - 1));
            }
            _ => {
                let _ = style.set_property("display", "none");
            }
        }
    }

    /// Mark the line a paused script will run next.
    pub fn mark_current(&self, line: Option<u32>) {
        self.mark(&self.cur, line);
    }

    /// Mark the line of an uncaught exception (with its message as a tooltip).
    pub fn mark_error(&self, line: Option<u32>, message: &str) {
        set_attr(&self.err, "title", message);
        self.mark(&self.err, line);
    }

    /// Tab: insert four spaces at the caret (replacing a selection).
    pub fn insert_indent(&self) {
        let start = self.area.selection_start().ok().flatten().unwrap_or(0);
        let end = self.area.selection_end().ok().flatten().unwrap_or(start);
        let _ = self
            .area
            .set_range_text_with_start_and_end_and_mode("    ", start, end, "end");
        self.refresh();
    }
}
