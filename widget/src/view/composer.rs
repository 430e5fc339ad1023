//! Alerts, the row of actions ("Talk to a person", "End chat", …), and the message box.

use baton_shared::i18n::Text;
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
                                    aria-label=chat.text(Text::Dismiss)
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
                    aria-label=move || chat.text(Text::Message)
                    placeholder=move || chat.text(Text::WriteMessage)
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
                <button type="submit" class="send" aria-label=move || chat.text(Text::Send) disabled=locked>
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
                    {action.label(chat.texts())}
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
        {row.form.then(|| message_form(chat))}
    }
}

/// "Leave a message": the customer's email and message for the team, answered by email. The
/// fields are read from the form by name when it is sent, and a problem shows as the panel's
/// alert: no signals or typed element handles of their own, each of which would weigh.
fn message_form(chat: Chat) -> impl IntoView {
    let t = chat.texts();
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(form) = ev.target() else { return };
        let field = |name: &str| {
            js_sys::Reflect::get(&form, &name.into())
                .and_then(|control| js_sys::Reflect::get(&control, &"value".into()))
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        if let Err(problem) = chat.leave_message(&field("email"), &field("message")) {
            chat.alert(problem);
        }
    };
    view! {
        <form class="leave" aria-label=t.get(Text::LeaveMessage) on:submit=send>
            <input
                name="email"
                type="email"
                autocomplete="email"
                required
                aria-label=t.get(Text::YourEmail)
                placeholder=t.get(Text::YourEmail)
            />
            <textarea
                name="message"
                rows="3"
                required
                aria-label=t.get(Text::YourMessage)
                placeholder=t.get(Text::YourMessage)
            ></textarea>
            <button type="submit" class="ask">{t.get(Text::SendMessage)}</button>
        </form>
    }
}

fn run(chat: Chat, action: Action) {
    match action {
        Action::TalkToPerson => chat.request_human(),
        Action::LeaveMessage => chat.model.update(|m| m.start_leaving()),
        Action::KeepChatting => chat.keep_chatting(),
        Action::EndChat => chat.model.update(|m| m.ask_to_end()),
        Action::ConfirmEnd => chat.end_chat(),
        Action::CancelEnd => chat.model.update(|m| m.cancel_end()),
        Action::StartNew => chat.start_new(),
    }
}
