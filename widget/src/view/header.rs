//! Who the customer is talking to: the bot, or the agent holding the conversation.

use baton_shared::i18n::Text;
use leptos::prelude::*;

use crate::app::{Focus, set_open};
use crate::connection::Chat;
use crate::transcript::Transcript;
use crate::view::icons::{BOT, MINIMIZE, icon};

pub fn header(chat: Chat, focus: Focus) -> impl IntoView {
    let header = move || chat.model.with(Transcript::header);
    view! {
        <header class="hd" class:human=move || header().human>
            // The bot's icon, or the agent's initials under their photo; a photo that fails to
            // load (empty alt) leaves the initials visible.
            <span class="av" aria-hidden="true">
                {icon(BOT)}
                {move || {
                    let h = header();
                    (h.human.then_some(h.initials), h.image.map(|src| view! { <img src=src alt=""/> }))
                }}
            </span>
            {move || {
                let h = header();
                view! {
                    <div class="who">
                        <h2 class="name">{h.name}</h2>
                        <div class="sub">{h.subtitle}</div>
                    </div>
                }
            }}
            <button class="icon" type="button" aria-label=move || chat.text(Text::MinimizeChat) on:click=move |_| set_open(chat, focus, false)>
                {icon(MINIMIZE)}
            </button>
        </header>
    }
}
