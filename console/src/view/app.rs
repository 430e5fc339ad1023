use std::time::Duration;

use baton_shared::protocol::LoginResponse;
use leptos::prelude::*;

use crate::model::net::site_from_query;
use crate::model::rest::RestError;
use crate::model::session::remaining_ms;
use crate::session::{self, now_ms};
use crate::view::sign_in::SignIn;
use crate::view::workspace::Workspace;

/// Who is signed in, shared by every view.
#[derive(Clone, Copy)]
pub struct Auth {
    pub site: StoredValue<String>,
    pub session: RwSignal<Option<LoginResponse>>,
    /// Why the agent was signed out, shown on the sign-in form.
    pub notice: RwSignal<Option<String>>,
}

impl Auth {
    pub fn sign_in(&self, login: LoginResponse) {
        session::save(&login);
        self.notice.set(None);
        self.session.set(Some(login));
    }

    /// The server stopped accepting the token.
    pub fn expired(&self) {
        self.sign_out(Some(EXPIRED));
    }

    /// Shows a REST failure in `error`, except a dead token, which signs the agent out.
    pub fn report(&self, e: RestError, error: RwSignal<Option<String>>) {
        if e.is_auth() {
            self.expired();
        } else {
            error.set(Some(e.message));
        }
    }

    /// The agent signs out: the server ends the token too, so a copy of it opens nothing.
    pub fn log_out(&self) {
        let token = self.session.with_untracked(|s| s.as_ref().map(|s| s.token.clone()));
        let site = self.site.get_value();
        if let Some(token) = token {
            leptos::task::spawn_local(async move {
                // Signed out here either way; a server that cannot be reached keeps the token
                // until it expires.
                let _ = crate::api::logout(&site, &token).await;
            });
        }
        self.sign_out(None);
    }

    pub fn sign_out(&self, why: Option<&str>) {
        session::clear(&self.site.get_value());
        self.notice.set(why.map(str::to_string));
        self.session.set(None);
    }
}

const EXPIRED: &str = "Your session has ended. Sign in again.";

#[component]
pub fn App() -> impl IntoView {
    let site = site_from_query(&window().location().search().unwrap_or_default());
    let auth = Auth {
        session: RwSignal::new(session::load(&site)),
        site: StoredValue::new(site),
        notice: RwSignal::new(None),
    };

    // Sign out when the token expires, even if nothing else happens.
    let expiry = StoredValue::new_local(None::<TimeoutHandle>);
    Effect::new(move |_| {
        if let Some(t) = expiry.try_update_value(Option::take).flatten() {
            t.clear();
        }
        let Some(ms) = auth.session.with(|s| s.as_ref().map(|s| remaining_ms(s, now_ms()))) else { return };
        // setTimeout holds at most 2^31-1 ms; sessions are far shorter.
        let ms = ms.min(i32::MAX as u64);
        let handle = set_timeout_with_handle(move || auth.expired(), Duration::from_millis(ms)).ok();
        expiry.set_value(handle);
    });

    let signed_in = Memo::new(move |_| auth.session.with(|s| s.as_ref().map(|s| s.token.clone())));
    move || match signed_in.get() {
        None => view! { <SignIn auth=auth /> }.into_any(),
        Some(_) => match auth.session.get_untracked() {
            Some(login) => view! { <Workspace auth=auth login=login /> }.into_any(),
            None => ().into_any(),
        },
    }
}
