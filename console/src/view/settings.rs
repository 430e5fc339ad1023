//! What every settings page shares: its form once loaded, a save under way, and the last
//! save's outcome, with one way to load and one way to save.

use std::future::Future;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::model::rest::RestError;
use crate::view::app::Auth;

pub struct Settings<F: Send + Sync + 'static> {
    pub form: RwSignal<Option<F>>,
    pub busy: RwSignal<bool>,
    pub status: RwSignal<Option<String>>,
    pub error: RwSignal<Option<String>>,
    auth: Auth,
}

impl<F: Send + Sync + 'static> Clone for Settings<F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F: Send + Sync + 'static> Copy for Settings<F> {}

impl<F: Clone + Send + Sync + 'static> Settings<F> {
    /// Loads what is stored with `get` into the form (`to_form`).
    pub fn load<T: 'static, G>(auth: Auth, get: G, to_form: fn(&T) -> F) -> Settings<F>
    where
        G: Future<Output = Result<T, RestError>> + 'static,
    {
        let settings = Settings {
            form: RwSignal::new(None),
            busy: RwSignal::new(false),
            status: RwSignal::new(None),
            error: RwSignal::new(None),
            auth,
        };
        spawn_local(async move {
            match get.await {
                Ok(stored) => settings.form.set(Some(to_form(&stored))),
                Err(e) => auth.report(e, settings.error),
            }
        });
        settings
    }

    /// A submit handler: checks the form (`check`, which says what is wrong in words), stores
    /// it with `put`, shows what was stored, and says `done`.
    pub fn on_submit<T, P, Fut>(
        self,
        check: fn(&F) -> Result<T, String>,
        put: P,
        to_form: fn(&T) -> F,
        done: &'static str,
    ) -> impl FnMut(SubmitEvent) + Copy + 'static
    where
        T: 'static,
        P: Fn(T) -> Fut + Copy + 'static,
        Fut: Future<Output = Result<T, RestError>> + 'static,
    {
        move |ev: SubmitEvent| {
            ev.prevent_default();
            if self.busy.get_untracked() {
                return;
            }
            self.status.set(None);
            self.error.set(None);
            let Some(current) = self.form.get_untracked() else { return };
            let value = match check(&current) {
                Ok(value) => value,
                Err(why) => return self.error.set(Some(why)),
            };
            self.busy.set(true);
            spawn_local(async move {
                let saved = put(value).await;
                self.busy.set(false);
                match saved {
                    Ok(stored) => {
                        self.form.set(Some(to_form(&stored)));
                        self.status.set(Some(done.to_string()));
                    }
                    Err(e) => self.auth.report(e, self.error),
                }
            });
        }
    }

    /// The status and error lines a settings page shows above its form.
    pub fn outcome(self) -> impl IntoView {
        view! {
            {move || self.status.get().map(|s| view! { <p class="notice" role="status">{s}</p> })}
            {move || self.error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        }
    }
}
