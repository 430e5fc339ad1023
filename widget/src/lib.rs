//! Baton customer widget: a Leptos app that `loader/widget.js` mounts into a shadow root on
//! the customer's page. `transcript` holds all view logic as pure code; the rest is I/O and DOM.

mod app;
mod connection;
pub mod json;
pub mod transcript;
mod view;
pub mod wire;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Lives inside the shadow root, so the host page's CSS cannot reach the widget and ours cannot
/// leak out.
const STYLE: &str = include_str!("style.css");

/// Entry point called by the loader once the module is instantiated.
#[wasm_bindgen]
pub fn mount(root: web_sys::ShadowRoot, site: String, base: String, visitor: String) {
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
    let container: web_sys::HtmlElement = container.unchecked_into();
    leptos::mount::mount_to(container, move || view! { {app::app(site, base, visitor)} }).forget();
}
