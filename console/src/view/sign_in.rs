use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::view::app::Auth;

#[component]
pub fn SignIn(auth: Auth) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let site = auth.site.get_value();
        let (e, p) = (email.get_untracked(), password.get_untracked());
        spawn_local(async move {
            let outcome = api::login(&site, &e, &p).await;
            busy.set(false);
            match outcome {
                Ok(login) => auth.sign_in(login),
                Err(why) => error.set(Some(why)),
            }
        });
    };

    view! {
        <main class="signin">
            <form class="signin-card" on:submit=submit aria-busy=move || busy.get().to_string()>
                <div class="brand-mark" aria-hidden="true">"B"</div>
                <h1>"Sign in to Baton"</h1>
                <p class="muted">"Agent console · site " <strong>{auth.site.get_value()}</strong></p>
                {move || auth.notice.get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
                <label for="signin-email">"Email"</label>
                <input
                    id="signin-email"
                    type="email"
                    name="email"
                    autocomplete="username"
                    required
                    prop:value=move || email.get()
                    on:input=move |ev| email.set(event_target_value(&ev))
                />
                <label for="signin-password">"Password"</label>
                <input
                    id="signin-password"
                    type="password"
                    name="password"
                    autocomplete="current-password"
                    required
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev))
                />
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <button type="submit" class="primary" disabled=move || busy.get()>"Sign in"</button>
            </form>
        </main>
    }
}
