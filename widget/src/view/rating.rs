//! The 1–5 rating prompt shown after an agent hands the conversation back.

use leptos::prelude::*;

use crate::connection::Chat;
use crate::transcript::Transcript;

const STAR_LABELS: [&str; 5] = ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"];

pub fn rating(chat: Chat) -> impl IntoView {
    let chosen = move || chat.model.with(Transcript::rating_in_flight);
    let star = move |n: u8| {
        view! {
                <button
                    type="button"
                    aria-label=STAR_LABELS[usize::from(n - 1)]
                    class:on=move || chosen().is_some_and(|c| n <= c)
                    disabled=move || chosen().is_some()
                    on:click=move |_| chat.rate(n)
                >
                    "★"
                </button>
        }
    };
    view! {
        <div class="rate" role="group" aria-label="Rate this conversation">
            <p>"How was your conversation?"</p>
            <div class="stars">{(star(1), star(2), star(3), star(4), star(5))}</div>
        </div>
    }
}
