//! The round button in the corner; its accessible name says what a click does.

use baton_shared::i18n::Text;
use leptos::prelude::*;

use crate::app::{Focus, set_open};
use crate::connection::Chat;
use crate::view::icons::{CHAT, CLOSE};

pub fn launcher(chat: Chat, focus: Focus) -> impl IntoView {
    let open = move || chat.model.with(|m| m.is_open());
    let unread = move || chat.model.with(|m| m.unread()).min(99);
    view! {
        <button
            class="launcher"
            type="button"
            node_ref=focus.launcher
            aria-controls="bt-panel"
            aria-expanded=move || if open() { "true" } else { "false" }
            aria-label=move || chat.text(if open() { Text::CloseChat } else { Text::OpenChat })
            on:click=move |_| set_open(chat, focus, !chat.model.with_untracked(|m| m.is_open()))
        >
            <svg viewBox="0 0 24 24" aria-hidden="true">
                <path d=move || if open() { CLOSE } else { CHAT }></path>
            </svg>
            {move || (unread() > 0).then(|| view! { <span class="badge" aria-hidden="true">{unread}</span> })}
        </button>
    }
}
