use baton_shared::Presence;
use baton_shared::protocol::{AccountRole, LoginResponse};
use baton_shared::team::{AccountInput, TeamMember};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::dashboard::DashboardFeed;
use crate::model::rest::RestError;
use crate::model::team::{AccountForm, presence_text, role_label};
use crate::view::app::Auth;
use crate::view::avatar::Avatar;

/// The header's "Status" control: the agent's presence as the site has it, and the desk's
/// reason when the desk changed it.
#[component]
pub fn StatusControl(feed: DashboardFeed, me: String) -> impl IntoView {
    let me = StoredValue::new(me);
    let mine = move || feed.model.with(|m| m.member(&me.get_value()).map(|m| (m.presence, m.presence_note.clone())));
    let current = move || mine().map(|(p, _)| p).unwrap_or(Presence::Online);
    let choose = move |value: String| {
        if let Some(presence) = Presence::parse(&value) {
            feed.set_presence(presence);
        }
    };
    view! {
        <div class="status-control">
            <span class="presence-dot" data-presence=move || current().as_str() aria-hidden="true"></span>
            <label for="my-status">"Status"</label>
            <select id="my-status" on:change=move |ev| choose(event_target_value(&ev))>
                {Presence::ALL
                    .iter()
                    .map(|&p| view! {
                        <option value=p.as_str() prop:selected=move || current() == p>{p.label()}</option>
                    })
                    .collect_view()}
            </select>
            <span class="presence-note" role="status">{move || mine().and_then(|(_, note)| note)}</span>
        </div>
    }
}

/// Everyone on the site with presence and load, live; supervisors add, edit and deactivate.
#[component]
pub fn TeamPage(auth: Auth, login: LoginResponse, feed: DashboardFeed) -> impl IntoView {
    let site = StoredValue::new(auth.site.get_value());
    let token = StoredValue::new(login.token.clone());
    let supervisor = login.role == AccountRole::Supervisor;
    let form = RwSignal::new(None::<AccountForm>);
    let busy = RwSignal::new(false);
    let status = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let failed = move |e: RestError| auth.report(e, error);

    let send = move |id: Option<String>, input: AccountInput, done: &'static str| {
        busy.set(true);
        status.set(None);
        error.set(None);
        spawn_local(async move {
            let (site, token) = (site.get_value(), token.get_value());
            let saved = match id.as_deref() {
                Some(id) => api::update_account(&site, &token, id, &input).await,
                None => api::create_account(&site, &token, &input).await,
            };
            busy.set(false);
            match saved {
                // The list itself follows the site's live team frame.
                Ok(member) => {
                    form.set(None);
                    status.set(Some(format!("{} {done}", member.agent.name)));
                }
                Err(e) => failed(e),
            }
        });
    };
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(current) = form.get_untracked() else { return };
        match current.input() {
            Ok(input) => {
                let done = if current.editing.is_some() { "saved" } else { "added" };
                send(current.editing.clone(), input, done);
            }
            Err(message) => error.set(Some(message)),
        }
    };
    let toggle = move |member: TeamMember| {
        let done = if member.active { "deactivated" } else { "reactivated" };
        send(Some(member.agent.id.clone()), AccountForm::toggled(&member), done);
    };
    let edit = move |f: fn(&mut AccountForm, String), value: String| {
        form.update(|form| {
            if let Some(form) = form {
                f(form, value);
            }
        });
    };

    view! {
        <div class="page team">
            <header class="page-head">
                <h2>"Team"</h2>
                <p class="muted">"Who is here, what they speak and handle, and how many conversations each holds."</p>
            </header>
            {move || status.get().map(|s| view! { <p class="notice" role="status">{s}</p> })}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <section class="panel" aria-labelledby="team-list-title">
                <div class="panel-head">
                    <h3 id="team-list-title">"Agents"</h3>
                    {supervisor.then(|| view! {
                        <button type="button" class="primary" on:click=move |_| {
                            status.set(None);
                            error.set(None);
                            form.set(Some(AccountForm::default()));
                        }>"Add agent"</button>
                    })}
                </div>
                <table class="team-table">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Load"</th>
                            <th scope="col">"Languages"</th>
                            <th scope="col">"Skills"</th>
                            <th scope="col">"Role"</th>
                            {supervisor.then(|| view! { <th scope="col">"Actions"</th> })}
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || feed.model.with(|m| m.team.clone())
                            key=|m| format!("{m:?}")
                            children=move |member| view! {
                                <MemberRow member=member supervisor=supervisor form=form on_toggle=toggle />
                            }
                        />
                    </tbody>
                </table>
            </section>
            {move || form.get().map(|current| {
                let editing = current.editing.is_some();
                view! {
                    <section class="panel" aria-labelledby="account-form-title">
                        <h3 id="account-form-title">{if editing { "Edit agent" } else { "Add an agent" }}</h3>
                        <form class="stack-form" on:submit=save>
                            <label for="account-email">"Email"</label>
                            <input id="account-email" type="email" autocomplete="off"
                                prop:value=move || form.with(|f| f.as_ref().map(|f| f.email.clone()))
                                on:input=move |ev| edit(|f, v| f.email = v, event_target_value(&ev)) />
                            <label for="account-name">"Name"</label>
                            <input id="account-name" type="text"
                                prop:value=move || form.with(|f| f.as_ref().map(|f| f.name.clone()))
                                on:input=move |ev| edit(|f, v| f.name = v, event_target_value(&ev)) />
                            <label for="account-role">"Role"</label>
                            <select id="account-role" on:change=move |ev| edit(
                                |f, v| f.role = if v == "supervisor" { AccountRole::Supervisor } else { AccountRole::Agent },
                                event_target_value(&ev),
                            )>
                                <option value="agent" prop:selected=current.role == AccountRole::Agent>"Agent"</option>
                                <option value="supervisor" prop:selected=current.role == AccountRole::Supervisor>
                                    "Supervisor"
                                </option>
                            </select>
                            <label for="account-languages">"Languages"</label>
                            <input id="account-languages" type="text" aria-describedby="account-languages-hint"
                                prop:value=move || form.with(|f| f.as_ref().map(|f| f.languages.clone()))
                                on:input=move |ev| edit(|f, v| f.languages = v, event_target_value(&ev)) />
                            <span id="account-languages-hint" class="field-hint">"Language codes, e.g. en, es"</span>
                            <label for="account-skills">"Skills"</label>
                            <input id="account-skills" type="text" aria-describedby="account-skills-hint"
                                prop:value=move || form.with(|f| f.as_ref().map(|f| f.skills.clone()))
                                on:input=move |ev| edit(|f, v| f.skills = v, event_target_value(&ev)) />
                            <span id="account-skills-hint" class="field-hint">"e.g. billing, returns"</span>
                            <label for="account-capacity">"Capacity"</label>
                            <input id="account-capacity" type="number" min="1" max="50"
                                aria-describedby="account-capacity-hint"
                                prop:value=move || form.with(|f| f.as_ref().map(|f| f.capacity.clone()))
                                on:input=move |ev| edit(|f, v| f.capacity = v, event_target_value(&ev)) />
                            <span id="account-capacity-hint" class="field-hint">"Most conversations held at once"</span>
                            <label for="account-password">
                                {if editing { "New password" } else { "Initial password" }}
                            </label>
                            <input id="account-password" type="password" autocomplete="new-password"
                                aria-describedby="account-password-hint"
                                prop:value=move || form.with(|f| f.as_ref().map(|f| f.password.clone()))
                                on:input=move |ev| edit(|f, v| f.password = v, event_target_value(&ev)) />
                            <span id="account-password-hint" class="field-hint">
                                {if editing { "Leave blank to keep the current one" } else { "At least 8 characters" }}
                            </span>
                            <div class="form-actions">
                                <button type="submit" class="primary" disabled=move || busy.get()>
                                    {if editing { "Save changes" } else { "Create account" }}
                                </button>
                                <button type="button" on:click=move |_| form.set(None)>"Cancel"</button>
                            </div>
                        </form>
                    </section>
                }
            })}
        </div>
    }
}

#[component]
fn MemberRow(
    member: TeamMember,
    supervisor: bool,
    form: RwSignal<Option<AccountForm>>,
    on_toggle: impl Fn(TeamMember) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let name = member.agent.name.clone();
    let presence = member.presence;
    let toggle_label = if member.active { "Deactivate" } else { "Reactivate" };
    let stored = StoredValue::new(member.clone());
    view! {
        <tr class:inactive=!member.active>
            <td>
                <span class="member-name">
                    <Avatar name=name.clone() url=member.agent.avatar.clone() />
                    <span>
                        <span class="member-text">{name.clone()}</span>
                        <span class="muted small">{member.email.clone()}</span>
                    </span>
                </span>
            </td>
            <td>
                <span class="presence-dot" data-presence=presence.as_str() aria-hidden="true"></span>
                {presence_text(&member)}
            </td>
            <td>{member.load()}</td>
            <td>{member.languages.join(", ")}</td>
            <td>{member.skills.join(", ")}</td>
            <td>{role_label(member.role)}</td>
            {supervisor.then(|| view! {
                <td class="row-actions">
                    <button type="button" class="small-button" aria-label=format!("Edit {name}")
                        on:click=move |_| form.set(Some(stored.with_value(AccountForm::from_member)))>
                        "Edit"
                    </button>
                    <button type="button" class="small-button" aria-label=format!("{toggle_label} {name}")
                        on:click=move |_| on_toggle(stored.get_value())>
                        {toggle_label}
                    </button>
                </td>
            })}
        </tr>
    }
}
