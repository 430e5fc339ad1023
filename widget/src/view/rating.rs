//! The 1–5 rating prompt shown after an agent hands the conversation back.

use baton_shared::i18n::Text;
use leptos::prelude::*;

use crate::connection::Chat;
use crate::transcript::Transcript;

pub fn rating(chat: Chat) -> impl IntoView {
    let chosen = move || chat.model.with(Transcript::rating_in_flight);
    let t = chat.texts();
    let star = move |n: u8| {
        view! {
                <button
                    type="button"
                    aria-label=if n == 1 { t.get(Text::OneStar).to_string() } else { t.fill(Text::Stars, &n.to_string()) }
                    class:on=move || chosen().is_some_and(|c| n <= c)
                    disabled=move || chosen().is_some()
                    on:click=move |_| chat.rate(n)
                >
                    "★"
                </button>
        }
    };
    view! {
        <div class="rate" role="group" aria-label=t.get(Text::RateConversation)>
            <p>{t.get(Text::HowWasIt)}</p>
            <div class="stars">{(star(1), star(2), star(3), star(4), star(5))}</div>
        </div>
    }
}
