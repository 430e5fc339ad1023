use std::time::Duration;

use baton_shared::protocol::{AccountRole, LoginResponse};
use leptos::prelude::*;

use crate::dashboard::DashboardFeed;
use crate::session::now_ms;
use crate::view::app::Auth;
use crate::view::avatar::Avatar;
use crate::view::conversation::ConversationPane;
use crate::view::dashboard::ConversationList;

/// Signed-in layout: header, live conversation list, and the selected conversation.
#[component]
pub fn Workspace(auth: Auth, login: LoginResponse) -> impl IntoView {
    let site = auth.site.get_value();
    let feed = DashboardFeed::open(&site, &login.token, move || auth.expired());
    let selected = RwSignal::new(None::<String>);
    let select = move |id: Option<String>| {
        if selected.get_untracked() != id {
            selected.set(id);
        }
    };

    // One clock for every wait-time cell.
    let now = RwSignal::new(now_ms());
    let ticker = set_interval_with_handle(move || now.set(now_ms()), Duration::from_secs(1)).ok();
    let ticker = StoredValue::new(ticker);
    on_cleanup(move || {
        if let Some(t) = ticker.get_value() {
            t.clear();
        }
    });

    let agent = login.agent.clone();
    let role = match login.role {
        AccountRole::Supervisor => "Supervisor",
        AccountRole::Agent => "Agent",
    };
    let login = StoredValue::new(login);

    view! {
        <div class="shell" class:has-selection=move || selected.with(Option::is_some)>
            <header class="topbar">
                <div class="brand">
                    <span class="brand-mark" aria-hidden="true">"B"</span>
                    <span class="brand-name">"Baton"</span>
                    <span class="site-name">{login.with_value(|l| l.site.name.clone())}</span>
                </div>
                <div class="me">
                    <Avatar name=agent.name.clone() url=agent.avatar.clone() />
                    <span class="me-text">
                        <span class="me-name">{agent.name.clone()}</span>
                        <span class="me-role">{role}</span>
                    </span>
                    <button type="button" class="ghost" on:click=move |_| auth.sign_out(None)>"Sign out"</button>
                </div>
            </header>
            <div class="workspace">
                <aside class="sidebar" aria-label="Conversations">
                    <ConversationList feed=feed selected=selected.read_only() on_select=select now=now.read_only() />
                </aside>
                <main class="pane">
                    {move || match selected.get() {
                        Some(id) => view! {
                            <ConversationPane
                                id=id
                                auth=auth
                                login=login.get_value()
                                dashboard=feed.model.read_only()
                                on_close=move || select(None)
                            />
                        }
                        .into_any(),
                        None => view! {
                            <div class="empty-pane">
                                <p class="empty-title">"No conversation selected"</p>
                                <p class="muted">"Pick a conversation from the list to read it, take over or reply."</p>
                            </div>
                        }
                        .into_any(),
                    }}
                </main>
            </div>
        </div>
    }
}
