use baton_shared::protocol::LoginResponse;
use baton_shared::team::ReassignInput;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::model::dashboard::DashboardModel;
use crate::model::transfer::{TransferChoice, agent_choices, choices, chosen_agent, input};
use crate::view::app::Auth;

/// What the dialog moves the conversation by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// The holder gives it to a colleague or the queue, with a note.
    Transfer,
    /// A supervisor gives it to an agent, whoever holds it.
    Reassign,
}

impl Move {
    fn button(self) -> &'static str {
        match self {
            Move::Transfer => "Transfer",
            Move::Reassign => "Reassign",
        }
    }
    fn title(self) -> &'static str {
        match self {
            Move::Transfer => "Transfer conversation",
            Move::Reassign => "Reassign conversation",
        }
    }
    fn to(self) -> &'static str {
        match self {
            Move::Transfer => "Transfer to",
            Move::Reassign => "Reassign to",
        }
    }
    fn confirm(self) -> &'static str {
        match self {
            Move::Transfer => "Confirm transfer",
            Move::Reassign => "Confirm reassignment",
        }
    }
}

/// "Transfer" for the agent who holds the conversation (to a colleague or back to the queue for
/// a skill, with a private note for the next agent), or "Reassign" for a supervisor (to any
/// agent, whoever holds it): a button and its dialog.
#[component]
pub fn MoveButton(
    kind: Move,
    id: String,
    auth: Auth,
    login: LoginResponse,
    dashboard: ReadSignal<DashboardModel>,
    /// The button works now.
    allowed: Signal<bool>,
    /// The holder's id and the epoch the console has seen.
    holder: Signal<(Option<String>, u64)>,
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
    let options = Memo::new(move |_| -> Vec<TransferChoice> {
        dashboard.with(|d| match kind {
            Move::Transfer => choices(&d.team, &me.get_value()),
            Move::Reassign => agent_choices(&d.team, holder.with(|(h, _)| h.clone()).as_deref()),
        })
    });
    let show = move |_| {
        error.set(None);
        note.set(String::new());
        choice.set(options.with_untracked(|o| o.first().map(|c| c.value.clone()).unwrap_or_default()));
        open.set(true);
    };
    // No longer allowed (the conversation changed hands): the dialog has nothing to do.
    Effect::new(move |_| {
        if !allowed.get() {
            open.set(false);
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let picked = choice.get_untracked();
        let (site, token, id) = (site.get_value(), token.get_value(), id.get_value());
        let request = match kind {
            Move::Transfer => input(&picked, &note.get_untracked()).map(|i| (Some(i), None)),
            Move::Reassign => chosen_agent(&picked).map(|agent| {
                let epoch = holder.with_untracked(|(_, epoch)| *epoch);
                (None, Some(ReassignInput { agent: agent.to_string(), epoch }))
            }),
        };
        let Some((transfer, reassign)) = request else {
            error.set(Some("Choose who to give the conversation to.".into()));
            return;
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let sent = match (transfer, reassign) {
                (Some(t), _) => api::transfer(&site, &token, &id, &t).await,
                (_, Some(r)) => api::reassign(&site, &token, &id, &r).await,
                _ => Ok(()),
            };
            busy.set(false);
            match sent {
                Ok(()) => open.set(false),
                Err(e) => auth.report(e, error),
            }
        });
    };
    let title_id = format!("{}-title", kind.button().to_lowercase());
    let select_id = format!("{}-to", kind.button().to_lowercase());
    view! {
        <button type="button" disabled=move || !allowed.get() on:click=show>{kind.button()}</button>
        {move || open.get().then(|| view! {
            <div class="dialog-backdrop">
                <div class="dialog" role="dialog" aria-modal="true" aria-labelledby=title_id.clone()>
                    <h3 id=title_id.clone()>{kind.title()}</h3>
                    <form class="stack-form" on:submit=submit>
                        <label for=select_id.clone()>{kind.to()}</label>
                        <select id=select_id.clone() on:change=move |ev| choice.set(event_target_value(&ev))>
                            {move || options.get().into_iter().map(|c| {
                                let value = c.value.clone();
                                view! {
                                    <option value=c.value prop:selected=move || choice.with(|v| *v == value)>{c.label}</option>
                                }
                            }).collect_view()}
                        </select>
                        {(kind == Move::Transfer).then(|| view! {
                            <label for="transfer-note">"Note for the next agent"</label>
                            <textarea id="transfer-note" rows="3" aria-describedby="transfer-note-hint"
                                prop:value=move || note.get()
                                on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                            <span id="transfer-note-hint" class="field-hint">"Only agents see it; the customer does not."</span>
                        })}
                        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                        <div class="form-actions">
                            <button type="submit" class="primary" disabled=move || busy.get()>{kind.confirm()}</button>
                            <button type="button" on:click=move |_| open.set(false)>"Cancel"</button>
                        </div>
                    </form>
                </div>
            </div>
        })}
    }
}
