//! Baton customer widget: a Leptos app that `loader/widget.js` mounts into a shadow root on
//! the customer's page. `transcript` holds all view logic as pure code; the rest is I/O and DOM.

mod app;
mod connection;
mod host;
pub mod json;
pub mod links;
pub mod transcript;
mod view;
pub mod wire;

use baton_shared::i18n::Texts;
use std::cell::Cell;

use leptos::prelude::{Update, WithUntracked};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Lives inside the shadow root, so the host page's CSS cannot reach the widget and ours cannot
/// leak out.
const STYLE: &str = include_str!("style.css");

thread_local! {
    /// The mounted widget, for the page's commands.
    static APP: Cell<Option<app::Handles>> = const { Cell::new(None) };
}

/// Entry point called by the loader once the module is instantiated. `texts` is the catalogue
/// of the visitor's language as the edge sent it (a JSON list in `i18n::Text` order); `visitor`
/// and `emit` are the loader's functions (see `connection::Host`).
#[wasm_bindgen]
pub fn mount(root: web_sys::ShadowRoot, site: String, base: String, texts: &str, visitor: JsValue, emit: JsValue) {
    let Some(document) = root.owner_document() else {
        return;
    };
    let (Ok(style), Ok(container)) = (document.create_element("style"), document.create_element("div")) else {
        return;
    };
    style.set_text_content(Some(STYLE));
    if root.append_child(&style).is_err() || root.append_child(&container).is_err() {
        return;
    }
    let host = connection::Host { visitor, emit };
    let texts = catalogue(texts);
    let container: web_sys::HtmlElement = container.unchecked_into();
    leptos::mount::mount_to(container, move || {
        let (handles, view) = app::app(site, base, host, texts);
        APP.set(Some(handles));
        view
    })
    .forget();
}

/// The page's commands that reach the widget: `open`, `close`, `toggle`, `locale` (with the new
/// language's catalogue as `arg`) and `reset` (forget the visitor: a new conversation next).
#[wasm_bindgen]
pub fn command(name: &str, arg: &str) {
    let Some(app) = APP.get() else {
        return;
    };
    let chat = app.chat;
    match name {
        "open" => app::set_open(chat, app.focus, true),
        "close" => app::set_open(chat, app.focus, false),
        "toggle" => app::set_open(chat, app.focus, !chat.model.with_untracked(|m| m.is_open())),
        "locale" => chat.model.update(|m| m.texts = catalogue(arg)),
        "reset" => chat.reset(),
        _ => {}
    }
}

/// Kept for the page's lifetime: a catalogue is a few KB and a page changes language rarely.
fn catalogue(json: &str) -> Texts {
    let texts: Vec<&'static str> = wire::decode_texts(json).into_iter().map(|t| &*t.leak()).collect();
    Texts(texts.leak())
}
