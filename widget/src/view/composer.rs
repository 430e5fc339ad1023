//! Alerts, the row of actions ("Talk to a person", "End chat", …), and the message box.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::app::Focus;
use crate::connection::Chat;
use crate::transcript::{Action, Link, Transcript};
use crate::view::icons::{CLOSE, SEND, icon};

pub fn composer(chat: Chat, focus: Focus) -> impl IntoView {
    let locked = move || chat.model.with(|m| m.is_closed() || m.link == Link::Unavailable);
    // The draft lives in the textarea itself; it is read only when sending.
    let submit = move || {
        if let Some(input) = focus.input.get_untracked().filter(|input| chat.send_text(&input.value())) {
            input.set_value("");
        }
    };
    view! {
        <div class="foot">
            {move || {
                chat.model
                    .with(Transcript::alert)
                    .map(|(text, generation)| {
                        view! {
                            <div class="alert" role="alert">
                                <span>{text}</span>
                                <button
                                    type="button"
                                    class="x"
                                    aria-label="Dismiss"
                                    on:click=move |_| chat.model.update(|m| m.dismiss_alert(generation))
                                >
                                    {icon(CLOSE)}
                                </button>
                            </div>
                        }
                    })
            }}
            {move || actions(chat)}
            <form
                class="composer"
                hidden=move || chat.model.with(Transcript::is_closed)
                on:submit=move |ev| {
                    ev.prevent_default();
                    submit();
                }
            >
                <textarea
                    node_ref=focus.input
                    aria-label="Message"
                    placeholder="Write a message…"
                    rows="1"
                    disabled=locked
                    on:input=move |_| chat.typing_activity()
                    on:keydown=move |ev: KeyboardEvent| {
                        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                            ev.prevent_default();
                            submit();
                        }
                    }
                ></textarea>
                <button type="submit" class="send" aria-label="Send" disabled=locked>
                    {icon(SEND)}
                </button>
            </form>
        </div>
    }
}

/// One view for every row of actions (at most two buttons): a titled row is a group named by
/// its question. A tuple of options, not a list: the list's diffing would weigh more than this.
fn actions(chat: Chat) -> impl IntoView {
    let row = chat.model.with(Transcript::actions);
    let button = move |action: Option<&Action>| {
        action.copied().map(|action| {
            view! {
                <button type="button" class="ask" on:click=move |_| run(chat, action)>
                    {action.label()}
                </button>
            }
        })
    };
    view! {
        <div class="acts" role=row.title.map(|_| "group") aria-label=row.title>
            {row.title.map(|t| view! { <span>{t}</span> })}
            {button(row.buttons.first())}
            {button(row.buttons.get(1))}
        </div>
    }
}

fn run(chat: Chat, action: Action) {
    match action {
        Action::TalkToPerson => chat.request_human(),
        Action::EndChat => chat.model.update(|m| m.ask_to_end()),
        Action::ConfirmEnd => chat.end_chat(),
        Action::CancelEnd => chat.model.update(|m| m.cancel_end()),
        Action::StartNew => chat.start_new(),
    }
}
