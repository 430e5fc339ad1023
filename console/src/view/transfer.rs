use baton_shared::protocol::LoginResponse;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::model::dashboard::DashboardModel;
use crate::model::transfer::{choices, input};
use crate::view::app::Auth;

/// "Transfer", for the agent who holds the conversation: a dialog to give it to a colleague or
/// back to the queue for a skill, with a private note for the next agent.
#[component]
pub fn TransferButton(
    id: String,
    auth: Auth,
    login: LoginResponse,
    dashboard: ReadSignal<DashboardModel>,
    holds: Memo<bool>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let choice = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let (site, token, me, id) = (
        StoredValue::new(auth.site.get_value()),
        StoredValue::new(login.token.clone()),
        StoredValue::new(login.agent.id.clone()),
        StoredValue::new(id),
    );
    let options = Memo::new(move |_| dashboard.with(|d| choices(&d.team, &me.get_value())));
    let show = move |_| {
        error.set(None);
        note.set(String::new());
        choice.set(options.with_untracked(|o| o.first().map(|c| c.value.clone()).unwrap_or_default()));
        open.set(true);
    };
    // Holding it no longer (handed back, or the transfer landed): the dialog has nothing to do.
    Effect::new(move |_| {
        if !holds.get() {
            open.set(false);
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(request) = input(&choice.get_untracked(), &note.get_untracked()) else {
            error.set(Some("Choose a colleague or a queue to transfer to.".into()));
            return;
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let sent = api::transfer(&site.get_value(), &token.get_value(), &id.get_value(), &request).await;
            busy.set(false);
            match sent {
                Ok(()) => open.set(false),
                Err(e) => auth.report(e, error),
            }
        });
    };
    view! {
        <button type="button" disabled=move || !holds.get() on:click=show>"Transfer"</button>
        {move || open.get().then(|| view! {
            <div class="dialog-backdrop">
                <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="transfer-title">
                    <h3 id="transfer-title">"Transfer conversation"</h3>
                    <form class="stack-form" on:submit=submit>
                        <label for="transfer-to">"Transfer to"</label>
                        <select id="transfer-to" on:change=move |ev| choice.set(event_target_value(&ev))>
                            {move || options.get().into_iter().map(|c| {
                                let value = c.value.clone();
                                view! {
                                    <option value=c.value prop:selected=move || choice.with(|v| *v == value)>{c.label}</option>
                                }
                            }).collect_view()}
                        </select>
                        <label for="transfer-note">"Note for the next agent"</label>
                        <textarea id="transfer-note" rows="3" aria-describedby="transfer-note-hint"
                            prop:value=move || note.get()
                            on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                        <span id="transfer-note-hint" class="field-hint">"Only agents see it; the customer does not."</span>
                        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                        <div class="form-actions">
                            <button type="submit" class="primary" disabled=move || busy.get()>"Confirm transfer"</button>
                            <button type="button" on:click=move |_| open.set(false)>"Cancel"</button>
                        </div>
                    </form>
                </div>
            </div>
        })}
    }
}
