//! The wire view on the page: the live sequence diagram (one column per running script,
//! plus "outside") and the detail panel with a hex dump and decoded text of a message.

use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlSelectElement, TextDecoder, TextDecoderOptions};

use crate::bytes_view::{hex_dump, visible_text};
use crate::dom::{append, el, html, labelled, set_attr};
use crate::i18n::{tr, Lang};
use crate::wire::{Event, Lane};

pub struct WireView {
    pub root: Element,
    pub diagram: Element,
    pub rows: Element,
    pub encoding: HtmlSelectElement,
    pub clear: Element,
    head: Element,
    detail_title: Element,
    hex: Element,
    text: Element,
    lanes: Vec<Lane>,
}

impl WireView {
    pub fn new(lang: Lang) -> WireView {
        let root = el("section", "wire");
        set_attr(&root, "aria-label", "wire");
        let bar = el("div", "wire-bar");
        append(&bar, &labelled("h2", "", "wire", lang));
        append(&bar, &labelled("span", "hint", "wire_hint", lang));
        let clear = labelled("button", "clear", "clear", lang);
        append(&bar, &clear);
        append(&root, &bar);
        let diagram = el("div", "diagram");
        let head = el("div", "lanes");
        let rows = el("div", "rows");
        append(&diagram, &head);
        append(&diagram, &rows);
        append(&root, &diagram);
        let detail = el("div", "detail");
        let detail_title = el("div", "detail-title");
        let enc_label = labelled("label", "", "text_as", lang);
        let encoding: HtmlSelectElement = el("select", "encoding").unchecked_into();
        for enc in ["utf-8", "gbk"] {
            let o = el("option", "");
            set_attr(&o, "value", enc);
            o.set_text_content(Some(enc));
            append(&encoding, &o);
        }
        append(&enc_label, &encoding);
        let hex = el("pre", "hex");
        let text = el("pre", "text");
        append(&detail, &detail_title);
        append(&detail, &enc_label);
        let cols = el("div", "detail-cols");
        append(&cols, &hex);
        append(&cols, &text);
        append(&detail, &cols);
        append(&root, &detail);
        let view = WireView {
            root,
            diagram,
            rows,
            encoding,
            clear,
            head,
            detail_title,
            hex,
            text,
            lanes: Vec::new(),
        };
        view.set_lane_count();
        view
    }

    fn set_lane_count(&self) {
        let _ = html(&self.diagram)
            .style()
            .set_property("--lanes", &self.lanes.len().max(1).to_string());
    }

    pub fn clear(&mut self) {
        self.rows.set_inner_html("");
        self.head.set_inner_html("");
        self.lanes.clear();
        self.set_lane_count();
        self.detail_title.set_text_content(None);
        self.hex.set_text_content(None);
        self.text.set_text_content(None);
    }

    fn lane(&mut self, lane: Lane, name: &str) -> usize {
        if let Some(i) = self.lanes.iter().position(|l| *l == lane) {
            return i;
        }
        self.lanes.push(lane);
        let h = el("div", "lane");
        h.set_text_content(Some(name));
        append(&self.head, &h);
        self.set_lane_count();
        self.lanes.len() - 1
    }

    /// Append the row for `events[index]`; `name` names a lane.
    pub fn add(&mut self, index: usize, ev: &Event, name: impl Fn(Lane) -> String) {
        let from = self.lane(ev.from, &name(ev.from));
        let to = ev.to.map(|t| self.lane(t, &name(t)));
        let row = el("div", "msg");
        set_attr(&row, "data-kind", ev.kind.name());
        set_attr(&row, "data-index", &index.to_string());
        set_attr(&row, "tabindex", "0");
        set_attr(&row, "role", "button");
        let body = el("div", "");
        let (a, b, class) = match to {
            Some(to) if to > from => (from, to, "arrow right"),
            Some(to) if to < from => (to, from, "arrow left"),
            Some(_) => (from, from, "arrow self"),
            None => (from, from, "note"),
        };
        body.set_class_name(&format!("{class} k-{}", ev.kind.name()));
        let style = html(&body).style();
        let _ = style.set_property("grid-column", &format!("{} / {}", a + 1, b + 2));
        if b > a {
            // Arrows run from lifeline to lifeline: half a lane in from each end.
            let inset = format!("{:.3}%", 50.0 / (b - a + 1) as f64);
            let _ = style.set_property("margin-left", &inset);
            let _ = style.set_property("margin-right", &inset);
        }
        let label = el("span", "label");
        label.set_text_content(Some(&ev.label));
        append(&body, &label);
        // What the network did by itself has no line of the script.
        if ev.line > 0 {
            let line = el("span", "line");
            line.set_text_content(Some(&format!(":{}", ev.line)));
            append(&body, &line);
        }
        append(&row, &body);
        append(&self.rows, &row);
        // Follow the conversation as it grows.
        let d = html(&self.diagram);
        d.set_scroll_top(d.scroll_height());
    }

    /// Redraw the label of row `index` (an arrival row that grew).
    pub fn update(&self, index: usize, ev: &Event) {
        let selector = format!(".msg[data-index=\"{index}\"] .label");
        if let Ok(Some(label)) = self.rows.query_selector(&selector) {
            label.set_text_content(Some(&ev.label));
        }
    }

    /// Show a message's bytes as hex and as text in the chosen encoding.
    pub fn show(&self, ev: &Event, lang: Lang) {
        self.detail_title.set_text_content(Some(&ev.label));
        let data = ev.data.as_deref().unwrap_or(&[]);
        self.hex
            .set_text_content(Some(&format!("{}\n{}", tr(lang, "hex"), hex_dump(data))));
        let enc = self.encoding.value();
        let text = decode(data, &enc);
        self.text.set_text_content(Some(&format!(
            "{} ({enc})\n{}",
            tr(lang, "text"),
            visible_text(&text)
        )));
        let selected = self.rows.query_selector_all(".msg.selected");
        if let Ok(list) = selected {
            for i in 0..list.length() {
                if let Some(e) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    let _ = e.class_list().remove_1("selected");
                }
            }
        }
    }

    pub fn select_row(&self, index: usize) {
        if let Ok(Some(row)) = self
            .rows
            .query_selector(&format!(".msg[data-index=\"{index}\"]"))
        {
            let _ = row.class_list().add_1("selected");
        }
    }
}

/// Decode with the browser's TextDecoder (it knows GBK), replacing bad bytes.
fn decode(data: &[u8], encoding: &str) -> String {
    let opts = TextDecoderOptions::new();
    opts.set_fatal(false);
    let decoder = TextDecoder::new_with_label_and_options(encoding, &opts)
        .or_else(|_| TextDecoder::new())
        .expect("TextDecoder");
    let arr = Uint8Array::from(data);
    decoder.decode_with_buffer_source(&arr).unwrap_or_default()
}
