//! Line icons drawn with one path each; stroke and size come from the stylesheet.

use leptos::prelude::*;

pub const CHAT: &str = "M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.4A8 8 0 1 1 21 12z";
pub const CLOSE: &str = "M6 6l12 12M18 6 6 18";
pub const MINIMIZE: &str = "M6 9l6 6 6-6";
pub const SEND: &str = "M5 12h13M12 5l7 7-7 7";
pub const BOT: &str =
    "M8 8h8a4 4 0 0 1 4 4v4a4 4 0 0 1-4 4H8a4 4 0 0 1-4-4v-4a4 4 0 0 1 4-4zM12 8V4M9.5 13v1.5M14.5 13v1.5";

pub fn icon(path: &'static str) -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d=path></path>
        </svg>
    }
}
