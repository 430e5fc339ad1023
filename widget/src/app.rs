//! The widget's root: one launcher button and the chat panel, sharing a `Chat` handle.

use leptos::html;
use leptos::prelude::*;

use baton_shared::i18n::Texts;

use crate::connection::{Chat, Host};
use crate::view::launcher::launcher;
use crate::view::panel::panel;

/// Elements focus moves between when the panel opens and closes.
#[derive(Clone, Copy)]
pub struct Focus {
    pub input: NodeRef<html::Textarea>,
    pub launcher: NodeRef<html::Button>,
}

/// What the page's commands act on.
#[derive(Clone, Copy)]
pub struct Handles {
    pub chat: Chat,
    pub focus: Focus,
}

pub fn app(site: String, base: String, host: Host, texts: Texts) -> (Handles, impl IntoView) {
    let chat = Chat::new(site, base, host, texts);
    chat.resume_if_returning();
    let focus = Focus { input: NodeRef::new(), launcher: NodeRef::new() };
    let view = view! {
        <div class="bt" class:open=move || chat.model.with(|m| m.is_open())>
            {panel(chat, focus)}
            {launcher(chat, focus)}
        </div>
    };
    (Handles { chat, focus }, view)
}

/// Opens or closes the panel, moving focus to the message box or back to the launcher.
pub fn set_open(chat: Chat, focus: Focus, open: bool) {
    chat.set_open(open);
    request_animation_frame(move || {
        let target: Option<web_sys::HtmlElement> = if open {
            focus.input.get_untracked().map(Into::into)
        } else {
            focus.launcher.get_untracked().map(Into::into)
        };
        if let Some(target) = target {
            let _ = target.focus();
        }
    });
}
