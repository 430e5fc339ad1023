//! Alerts, "Talk to a person", and the message box.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::app::Focus;
use crate::connection::Chat;
use crate::transcript::{Link, Transcript};
use crate::view::icons::{CLOSE, SEND, icon};

pub fn composer(chat: Chat, focus: Focus) -> impl IntoView {
    let can_ask_human = move || chat.model.with(Transcript::can_request_human);
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
            {move || {
                (can_ask_human() && !locked())
                    .then(|| {
                        view! {
                            <button type="button" class="ask" on:click=move |_| chat.request_human()>
                                "Talk to a person"
                            </button>
                        }
                    })
            }}
            <form
                class="composer"
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
