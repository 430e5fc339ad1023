use std::time::Duration;

use baton_shared::protocol::{AccountRole, LoginResponse};
use leptos::prelude::*;

use crate::dashboard::DashboardFeed;
use crate::session::now_ms;
use crate::view::app::Auth;
use crate::view::appearance::AppearancePage;
use crate::view::avatar::Avatar;
use crate::view::conversation::ConversationPane;
use crate::view::dashboard::{ConversationList, Triage};
use crate::view::history::{HistoryPage, HistoryState};
use crate::view::knowledge::KnowledgeBase;
use crate::view::offline::{OfflinePage, OfflineState};
use crate::view::rules::RulesPage;
use crate::view::team::{StatusControl, TeamPage};

/// What the workspace shows; the knowledge base and rules are reachable by supervisors only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    Conversations,
    History,
    Offline,
    Team,
    KnowledgeBase,
    Rules,
    Appearance,
}

impl Page {
    fn label(self) -> &'static str {
        match self {
            Page::Conversations => "Conversations",
            Page::History => "History",
            Page::Offline => "Offline messages",
            Page::Team => "Team",
            Page::KnowledgeBase => "Knowledge base",
            Page::Rules => "Rules",
            Page::Appearance => "Appearance",
        }
    }
}

/// Signed-in layout: header, live conversation list, and the selected conversation; the history
/// of closed conversations, the messages visitors left when nobody could come, and the team; for
/// supervisors also the knowledge base and rules pages.
#[component]
pub fn Workspace(auth: Auth, login: LoginResponse) -> impl IntoView {
    let site = auth.site.get_value();
    // The feed lives as long as the workspace, so flag alerts keep coming on every page.
    let feed = DashboardFeed::open(&site, &login.token, move || auth.expired());
    let triage = Triage::new();
    let history = HistoryState::new();
    let offline = OfflineState::new();
    let page = RwSignal::new(Page::Conversations);
    let supervisor = login.role == AccountRole::Supervisor;
    let selected = RwSignal::new(None::<String>);

    // One clock for every wait-time cell.
    let now = RwSignal::new(now_ms());
    let ticker = set_interval_with_handle(move || now.set(now_ms()), Duration::from_secs(1)).ok();
    let ticker = StoredValue::new(ticker);
    on_cleanup(move || {
        if let Some(t) = ticker.get_value() {
            t.clear();
        }
    });

    // A conversation the desk just gave this agent opens, unless they are reading another.
    Effect::new(move |_| {
        let Some((id, asked)) = feed.model.with(|m| m.desk.to_open.clone()) else { return };
        feed.model.update(|m| m.desk.to_open = None);
        if asked || selected.get_untracked().is_none() {
            page.set(Page::Conversations);
            selected.set(Some(id));
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
                {
                    let pages = if supervisor {
                        vec![
                            Page::Conversations,
                            Page::History,
                            Page::Offline,
                            Page::Team,
                            Page::KnowledgeBase,
                            Page::Rules,
                            Page::Appearance,
                        ]
                    } else {
                        vec![Page::Conversations, Page::History, Page::Offline, Page::Team]
                    };
                    view! {
                    <nav class="sections" aria-label="Sections">
                        {pages
                            .into_iter()
                            .map(|p| view! {
                                <button
                                    type="button"
                                    class="ghost"
                                    aria-current=move || (page.get() == p).then_some("page")
                                    on:click=move |_| page.set(p)
                                >
                                    {p.label()}
                                </button>
                            })
                            .collect_view()}
                    </nav>
                    }
                }
                <StatusControl feed=feed me=agent.id.clone() />
                <div class="me">
                    <Avatar name=agent.name.clone() url=agent.avatar.clone() />
                    <span class="me-text">
                        <span class="me-name">{agent.name.clone()}</span>
                        <span class="me-role">{role}</span>
                    </span>
                    <button type="button" class="ghost" on:click=move |_| auth.log_out()>"Sign out"</button>
                </div>
            </header>
            {move || match page.get() {
                Page::KnowledgeBase => view! {
                    <main class="page-main"><KnowledgeBase auth=auth login=login.get_value() /></main>
                }
                .into_any(),
                Page::Appearance => view! {
                    <main class="page-main"><AppearancePage auth=auth login=login.get_value() /></main>
                }
                .into_any(),
                Page::Rules => view! {
                    <main class="page-main"><RulesPage auth=auth login=login.get_value() /></main>
                }
                .into_any(),
                Page::Team => view! {
                    <main class="page-main"><TeamPage auth=auth login=login.get_value() feed=feed /></main>
                }
                .into_any(),
                Page::History => view! {
                    <main class="page-main">
                        <HistoryPage auth=auth login=login.get_value() feed=feed state=history />
                    </main>
                }
                .into_any(),
                Page::Offline => view! {
                    <main class="page-main"><OfflinePage auth=auth login=login.get_value() state=offline /></main>
                }
                .into_any(),
                Page::Conversations => view! {
                    <ConversationsPage
                        auth=auth
                        login=login
                        feed=feed
                        triage=triage
                        selected=selected
                        now=now.read_only()
                        on_previous=move |previous| {
                            history.open.set(Some(previous));
                            page.set(Page::History);
                        }
                    />
                }
                .into_any(),
            }}
        </div>
    }
}

/// The live list beside the selected conversation.
#[component]
fn ConversationsPage(
    auth: Auth,
    login: StoredValue<LoginResponse>,
    feed: DashboardFeed,
    triage: Triage,
    selected: RwSignal<Option<String>>,
    now: ReadSignal<u64>,
    /// Opens a closed conversation in the History (the visitor's previous one).
    on_previous: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let select = move |id: Option<String>| {
        if selected.get_untracked() != id {
            selected.set(id);
        }
    };
    view! {
        <div class="workspace">
            <aside class="sidebar" aria-label="Conversations">
                <ConversationList feed=feed triage=triage selected=selected.read_only() on_select=select now=now />
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
                            on_previous=on_previous
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
    }
}
