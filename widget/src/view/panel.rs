//! The chat panel: header, connection state, messages and composer.

use baton_shared::i18n::Text;
use leptos::prelude::*;

use crate::app::{Focus, set_open};
use crate::connection::Chat;
use crate::view::composer::composer;
use crate::view::header::header;
use crate::view::message_list::message_list;

pub fn panel(chat: Chat, focus: Focus) -> impl IntoView {
    view! {
        <section
            id="bt-panel"
            class="panel"
            aria-label=move || chat.text(Text::Chat)
            hidden=move || !chat.model.with(|m| m.is_open())
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    set_open(chat, focus, false);
                }
            }
        >
            {header(chat, focus)}
            // Always in the tree, so the change of text is announced.
            <div class="banner" role="status">{move || chat.model.with(|m| m.status())}</div>
            {message_list(chat)}
            {composer(chat, focus)}
        </section>
    }
}
